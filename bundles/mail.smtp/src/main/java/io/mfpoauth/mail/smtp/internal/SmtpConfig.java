package io.mfpoauth.mail.smtp.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The SMTP setting as configuration tools show it (PID {@code io.mfpoauth.mail.smtp}). The component does not read
 * this type: it reads the raw properties with {@link io.mfpoauth.mail.auth.SettingsCodec}, the same rules the
 * settings service applies, so a hand-written configuration and one written through the REST API mean the same.
 */
@ObjectClassDefinition(name = "mfp-oauth SMTP",
        description = "The device's SMTP server, shared by scan to e-mail, internet-fax send and notifications.")
public @interface SmtpConfig {
    String IDLE_SECONDS = "idleSeconds";
    int DEFAULT_IDLE_SECONDS = 5;
    int MAX_IDLE_SECONDS = 60;

    @AttributeDefinition(name = "Server", description = "SMTP server host name or IP address.")
    String server();

    @AttributeDefinition(name = "Port", description = "587 with STARTTLS, 465 with TLS, 25 without.", min = "1",
            max = "65535")
    int port() default 587;

    @AttributeDefinition(name = "Timeout", description = "Connection and reply timeout in seconds.", min = "5",
            max = "300")
    int timeoutSeconds() default 60;

    @AttributeDefinition(name = "Sender name", required = false, description = "The name shown as the sender.")
    String senderName();

    @AttributeDefinition(name = "Sender address", description = "The From address.")
    String senderAddress();

    @AttributeDefinition(name = "Security", options = {
        @Option(value = "none", label = "None"),
        @Option(value = "starttls", label = "STARTTLS"),
        @Option(value = "tls", label = "TLS (SMTPS)")})
    String security() default "starttls";

    @AttributeDefinition(name = "Authentication", options = {
        @Option(value = "none", label = "None"),
        @Option(value = "password", label = "User name and password"),
        @Option(value = "oauth2", label = "OAuth 2.0")})
    String authMethod() default "none";

    @AttributeDefinition(name = "User name", required = false, description = "For user name and password sign-in.")
    String username();

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
            description = "For user name and password sign-in.")
    String _password();

    @AttributeDefinition(name = "Provider", required = false, description = "For OAuth 2.0: the provider id.")
    String provider();

    @AttributeDefinition(name = "Account", required = false,
            description = "For OAuth 2.0: the mailbox signed in as (may be a shared mailbox).")
    String account();

    @AttributeDefinition(name = "OAuth mechanism", options = {
        @Option(value = "auto", label = "Automatic (XOAUTH2, else OAUTHBEARER)"),
        @Option(value = "xoauth2", label = "XOAUTH2"),
        @Option(value = "oauthbearer", label = "OAUTHBEARER")})
    String oauthMechanism() default "auto";

    @AttributeDefinition(name = "Keep connection", min = "0", max = "60", description = "Seconds a signed-in "
            + "connection stays open after a send, so the next message of a batch needs no new sign-in; 0: close "
            + "after each message.")
    int idleSeconds() default DEFAULT_IDLE_SECONDS;
}
