package io.mfpoauth.bench.flows;

import java.lang.annotation.Annotation;

import io.mfpoauth.provider.microsoft.internal.MicrosoftConfig;
import io.mfpoauth.provider.microsoft.internal.MicrosoftProvider;

/** The Microsoft provider bundle's class, configured as ConfigAdmin would, with a loopback authority. */
final class Microsoft {
    static final String CLIENT_ID = "3f1b2c4d-0000-4000-8000-0000000b0005";
    static final String TENANT = "contoso.example";

    private Microsoft() {
    }

    static MicrosoftProvider provider(String authority) {
        return new MicrosoftProvider(new MicrosoftConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return MicrosoftConfig.class;
            }

            @Override
            public String clientId() {
                return CLIENT_ID;
            }

            @Override
            public String tenant() {
                return TENANT;
            }

            @Override
            public String authority() {
                return authority;
            }

            @Override
            public String[] hosts() {
                return new String[] {"office365.com"};
            }
        });
    }
}
