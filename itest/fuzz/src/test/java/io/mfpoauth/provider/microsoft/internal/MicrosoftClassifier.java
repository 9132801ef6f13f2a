package io.mfpoauth.provider.microsoft.internal;

import io.mfpoauth.token.spi.ErrorVerdict;
import io.mfpoauth.token.spi.OAuthError;

/** Opens the Microsoft bundle's error classification (package-private) to the fuzz targets. */
public final class MicrosoftClassifier {
    private MicrosoftClassifier() {
    }

    public static ErrorVerdict classify(OAuthError error) {
        return MicrosoftErrors.classify(error);
    }
}
