package io.mfpoauth.provider.oidc.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * One generic provider (factory PID {@code io.mfpoauth.provider.oidc}): any authorization server with the device
 * grant or the authorization code flow, found from its issuer or given by its endpoints.
 */
@ObjectClassDefinition(name = "mfp-oauth generic OAuth 2.0 provider",
        description = "A mail provider's authorization server, by issuer (discovery) or by explicit endpoints.")
public @interface OidcProviderConfig {

    // Published as the service property provider.id (OAuthProvider.ID_PROPERTY), for target filters.
    @AttributeDefinition(name = "Id", description = "Short, stable id ([a-z0-9-]+) stored with each token.")
    String provider_id();

    @AttributeDefinition(name = "Name", description = "The name the administrator picks from.")
    String name();

    @AttributeDefinition(name = "Issuer",
            description = "Issuer URL; endpoints not given below are read from its discovery document.", required = false)
    String issuer() default "";

    @AttributeDefinition(name = "Device authorization endpoint", required = false)
    String deviceAuthorizationEndpoint() default "";

    @AttributeDefinition(name = "Token endpoint", required = false)
    String tokenEndpoint() default "";

    @AttributeDefinition(name = "Authorization endpoint", required = false)
    String authorizationEndpoint() default "";

    @AttributeDefinition(name = "Revocation endpoint", required = false)
    String revocationEndpoint() default "";

    @AttributeDefinition(name = "Flow", options = {
        @Option(value = "device_code", label = "Device code (RFC 8628)"),
        @Option(value = "authorization_code", label = "Browser sign-in with PKCE (RFC 7636)")})
    String flow() default "device_code";

    @AttributeDefinition(name = "Client id")
    String clientId();

    // The leading dot keeps the secret out of the service properties DS publishes (OSGi Compendium 112.6).
    @AttributeDefinition(name = "Client secret", type = AttributeType.PASSWORD, required = false,
            description = "Only for a confidential client; sent in the request body, never shown.")
    String _clientSecret() default "";

    @AttributeDefinition(name = "SMTP scopes", description = "Space-separated; empty if the provider does not serve SMTP.",
            required = false)
    String smtpScopes() default "";

    @AttributeDefinition(name = "POP3 scopes", required = false)
    String pop3Scopes() default "";

    @AttributeDefinition(name = "IMAP scopes", required = false)
    String imapScopes() default "";

    @AttributeDefinition(name = "Mail hosts",
            description = "Mail-server host names or domains this provider serves (for proposing it).", required = false)
    String[] hosts() default {};

    @AttributeDefinition(name = "Extra authorization parameters",
            description = "name=value pairs added to the browser sign-in request.", required = false)
    String[] authorizationParameters() default {};
}
