package io.mfpoauth.mail.pop.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * One POP setting (factory PID {@code io.mfpoauth.mail.pop}), for configuration tools. The property names are the
 * ones {@link io.mfpoauth.mail.auth.SettingsCodec#pop} reads; the component reads the properties with it, so that
 * a configuration dropped in the configuration folder is checked by the same rules as one the settings service
 * wrote.
 */
@ObjectClassDefinition(name = "mfp-oauth POP mailbox",
        description = "A POP3 mailbox the device checks (internet fax receive): each setting has its own token.")
public @interface PopConfig {

    @AttributeDefinition(name = "Id", description = "The setting's id, 1 to 32 of a-z, 0-9 and '-'; its token slot "
            + "is pop-<id>.")
    String pop_id();

    @AttributeDefinition(name = "Server", description = "POP3 server: a host name or an IP address.")
    String server();

    @AttributeDefinition(name = "Port", description = "995 with TLS, 110 otherwise.", min = "1", max = "65535")
    int port() default 995;

    @AttributeDefinition(name = "Check interval", description = "Minutes between two checks.", min = "1",
            max = "1440")
    int checkIntervalMinutes() default 5;

    @AttributeDefinition(name = "Timeout", description = "Connection and reply timeout in seconds.", min = "5",
            max = "300")
    int timeoutSeconds() default 60;

    @AttributeDefinition(name = "Security", options = {
        @Option(value = "none", label = "None"),
        @Option(value = "starttls", label = "STARTTLS (STLS)"),
        @Option(value = "tls", label = "TLS")})
    String security() default "tls";

    @AttributeDefinition(name = "Authentication", options = {
        @Option(value = "password", label = "User name and password"),
        @Option(value = "oauth2", label = "OAuth 2.0")})
    String authMethod() default "oauth2";

    @AttributeDefinition(name = "User name", required = false, description = "For user name and password sign-in.")
    String username() default "";

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
            description = "For user name and password sign-in.")
    String _password() default "";

    @AttributeDefinition(name = "Provider", required = false, description = "For OAuth 2.0: the provider's id.")
    String provider() default "";

    @AttributeDefinition(name = "Account", required = false,
            description = "For OAuth 2.0: the mailbox to sign in as (may be a shared mailbox).")
    String account() default "";

    @AttributeDefinition(name = "OAuth mechanism", options = {
        @Option(value = "auto", label = "Automatic"),
        @Option(value = "xoauth2", label = "XOAUTH2"),
        @Option(value = "oauthbearer", label = "OAUTHBEARER")})
    String oauthMechanism() default "auto";

    @AttributeDefinition(name = "Delete after retrieval",
            description = "Delete each message from the server once every receiver accepted it.")
    boolean deleteAfterRetrieval() default true;

    @AttributeDefinition(name = "Enabled", description = "Whether the mailbox is checked at its interval.")
    boolean enabled() default true;
}
