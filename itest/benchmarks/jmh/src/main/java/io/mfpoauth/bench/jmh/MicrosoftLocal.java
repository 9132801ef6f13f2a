package io.mfpoauth.bench.jmh;

import java.lang.annotation.Annotation;

import io.mfpoauth.provider.microsoft.internal.MicrosoftConfig;
import io.mfpoauth.provider.microsoft.internal.MicrosoftProvider;

/** The Microsoft provider bundle's class, configured as ConfigAdmin would, with a loopback authority. */
final class MicrosoftLocal {
    private MicrosoftLocal() {
    }

    static MicrosoftProvider provider(String authority) {
        return new MicrosoftProvider(new MicrosoftConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return MicrosoftConfig.class;
            }

            @Override
            public String clientId() {
                return CachedTokenBenchmark.CLIENT_ID;
            }

            @Override
            public String tenant() {
                return CachedTokenBenchmark.TENANT;
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
