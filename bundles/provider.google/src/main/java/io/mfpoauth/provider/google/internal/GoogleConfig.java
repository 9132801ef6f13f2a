package io.mfpoauth.provider.google.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Google settings (PID {@code io.mfpoauth.provider.google}): the vendor's OAuth client of type "Desktop app",
 * shipped as firmware configuration. The endpoints are settings only so the provider can be tested against a
 * local server; leave them as they are.
 */
@ObjectClassDefinition(name = "mfp-oauth Google (Gmail, Workspace)",
        description = "Google sign-in in a browser (authorization code with PKCE) for SMTP, POP and IMAP.")
public @interface GoogleConfig {

    @AttributeDefinition(name = "Client id", description = "OAuth client id of type Desktop app.")
    String clientId() default "";

    // Google's desktop clients have a secret that is not confidential, but it is still never shown or logged.
    @AttributeDefinition(name = "Client secret", type = AttributeType.PASSWORD, required = false)
    String _clientSecret() default "";

    @AttributeDefinition(name = "Authorization endpoint")
    String authorizationEndpoint() default "https://accounts.google.com/o/oauth2/v2/auth";

    @AttributeDefinition(name = "Token endpoint")
    String tokenEndpoint() default "https://oauth2.googleapis.com/token";

    @AttributeDefinition(name = "Revocation endpoint")
    String revocationEndpoint() default "https://oauth2.googleapis.com/revoke";

    @AttributeDefinition(name = "Mail hosts", description = "Mail-server names this provider is proposed for.")
    String[] hosts() default {"gmail.com", "googlemail.com", "google.com"};
}
