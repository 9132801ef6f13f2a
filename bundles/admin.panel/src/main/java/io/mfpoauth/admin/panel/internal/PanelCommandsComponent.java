package io.mfpoauth.admin.panel.internal;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventHandler;

import io.mfpoauth.mail.MailArchive;
import io.mfpoauth.mail.MailSender;
import io.mfpoauth.mail.MailSettings;
import io.mfpoauth.mail.PopMailbox;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.token.TokenService;

/**
 * The panel's console commands in scope {@code mfp}, found by Gogo through these service properties alone (as the
 * update agent's), so this bundle does not import Gogo and resolves without it.
 *
 * <p>Gogo calls a method named like the command, and the names have dashes ({@code get-token}), which no Java method
 * has: every command therefore reaches {@link #_main(String...)}, the method Gogo's runtime calls with the command's
 * name first when the target has no method of that name. While it runs, {@code System.in} and {@code System.out} are
 * the session's (Gogo's ThreadIO); every command prints there and returns nothing.
 */
@Component(service = PanelCommandsComponent.class, property = {
    "osgi.command.scope=mfp",
    "osgi.command.function=smtp",
    "osgi.command.function=smtp-set",
    "osgi.command.function=pop",
    "osgi.command.function=pop-set",
    "osgi.command.function=pop-delete",
    "osgi.command.function=providers",
    "osgi.command.function=propose",
    "osgi.command.function=tokens",
    "osgi.command.function=get-token",
    "osgi.command.function=watch-token",
    "osgi.command.function=complete-token",
    "osgi.command.function=cancel-token",
    "osgi.command.function=delete-token",
    "osgi.command.function=mail-test",
    "osgi.command.function=send",
    "osgi.command.function=poll",
    "osgi.command.function=messages"
})
public final class PanelCommandsComponent {

    private final PanelCommands commands;
    private final Map<String, PopMailbox> mailboxes = new ConcurrentHashMap<>();

    /** Sending is optional: the token and settings commands work without the SMTP bundle. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MailSender sender;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MailArchive archive;

    @Activate
    public PanelCommandsComponent(BundleContext context, @Reference(name = "tokens") TokenService tokens,
            @Reference(name = "settings") MailSettings settings) {
        PanelSteps steps = new PanelSteps(tokens, settings, new Mail(), (handler, properties) -> {
            ServiceRegistration<EventHandler> registration = context.registerService(EventHandler.class, handler,
                    FrameworkUtil.asDictionary(properties));
            return () -> {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the bundle stopped while the command watched
                }
            };
        });
        this.commands = new PanelCommands(steps, Clock.systemDefaultZone());
    }

    /** For tests that run the commands through a real Gogo runtime. */
    PanelCommandsComponent(PanelCommands commands) {
        this.commands = commands;
    }

    /** One mailbox per POP setting, by its {@value PopSettings#ID_PROPERTY}; they come and go with their settings. */
    @Reference(name = "mailboxes", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addMailbox(PopMailbox mailbox, Map<String, Object> properties) {
        Object id = properties.get(PopSettings.ID_PROPERTY);
        if (id != null) {
            mailboxes.put(id.toString(), mailbox);
        }
    }

    void removeMailbox(PopMailbox mailbox, Map<String, Object> properties) {
        Object id = properties.get(PopSettings.ID_PROPERTY);
        if (id != null) {
            mailboxes.remove(id.toString(), mailbox);
        }
    }

    /**
     * Every command: Gogo passes the command's name, then its arguments.
     *
     * @param nameAndArguments the function name (e.g. {@code get-token}) and the arguments as typed
     */
    public void _main(String... nameAndArguments) {
        List<String> all = Arrays.asList(nameAndArguments);
        if (all.isEmpty()) {
            return;
        }
        String name = all.get(0);
        int colon = name.indexOf(':');
        commands.run(SessionConsole.current(), colon < 0 ? name : name.substring(colon + 1), all.subList(1, all.size()));
    }

    /** The dynamic mail services as the steps see them (not public methods here: Gogo would take them for commands). */
    private final class Mail implements PanelSteps.MailServices {
        @Override
        public MailSender sender() {
            return sender;
        }

        @Override
        public PopMailbox mailbox(String popId) {
            return mailboxes.get(popId);
        }

        @Override
        public MailArchive archive() {
            return archive;
        }
    }
}
