package io.mfpoauth.provider.microsoft.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Microsoft 365 / Exchange Online settings (PID {@code io.mfpoauth.provider.microsoft}). The client id is the
 * vendor's app registration, shipped as firmware configuration: none is built in.
 */
@ObjectClassDefinition(name = "mfp-oauth Microsoft 365 / Exchange Online",
        description = "Microsoft identity platform: device code sign-in for SMTP, POP and IMAP.")
public @interface MicrosoftConfig {

    @AttributeDefinition(name = "Client id",
            description = "Application (client) id of the app registration; 'Allow public client flows' must be on.")
    String clientId() default "";

    @AttributeDefinition(name = "Tenant",
            description = "Tenant id or domain, or organizations (work accounts), consumers (Outlook.com), common (both).")
    String tenant() default "organizations";

    @AttributeDefinition(name = "Authority host", description = "The Microsoft cloud that holds the accounts.", options = {
        @Option(value = "https://login.microsoftonline.com", label = "Global"),
        @Option(value = "https://login.microsoftonline.us", label = "US Government"),
        @Option(value = "https://login.partner.microsoftonline.cn", label = "China (21Vianet)")})
    String authority() default "https://login.microsoftonline.com";

    @AttributeDefinition(name = "Mail hosts", description = "Mail-server names this provider is proposed for.")
    String[] hosts() default {"office365.com", "outlook.com", "smtp-mail.outlook.com", "outlook.office365.com",
        "hotmail.com", "live.com"};
}
