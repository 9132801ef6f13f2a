package io.mfpoauth.token.service.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The token service's settings (PID {@code io.mfpoauth.token.service}); every one has a working default. */
@ObjectClassDefinition(name = "mfp-oauth token service",
        description = "How the device obtains, renews and stores its OAuth 2.0 mail tokens.")
public @interface TokenServiceConfig {

    @AttributeDefinition(name = "Refresh margin (seconds)",
            description = "Renew an access token this long before it expires (at most a quarter of its lifetime).", min = "0")
    int refreshMarginSeconds() default 300;

    @AttributeDefinition(name = "Connect timeout (seconds)", min = "1")
    int connectTimeoutSeconds() default 10;

    @AttributeDefinition(name = "Request timeout (seconds)",
            description = "Longest wait for a provider's whole answer.", min = "1")
    int requestTimeoutSeconds() default 30;

    @AttributeDefinition(name = "Largest provider answer (KiB)", min = "4")
    int maxResponseKilobytes() default 64;

    @AttributeDefinition(name = "HTTP proxy host", description = "Empty for a direct connection.")
    String proxyHost() default "";

    @AttributeDefinition(name = "HTTP proxy port", min = "0", max = "65535")
    int proxyPort() default 0;

    @AttributeDefinition(name = "First retry (seconds)",
            description = "Wait after a transient failure; doubled for each further failure.", min = "1")
    int retryMinSeconds() default 5;

    @AttributeDefinition(name = "Longest retry (seconds)", min = "1")
    int retryMaxSeconds() default 900;

    @AttributeDefinition(name = "Browser sign-in time (minutes)",
            description = "How long a browser (authorization code) sign-in stays open.", min = "1")
    int browserFlowMinutes() default 10;

    @AttributeDefinition(name = "Browser sign-in port",
            description = "Loopback port that receives the browser's redirect; 0 for any free port.", min = "0", max = "65535")
    int redirectPort() default 0;
}
