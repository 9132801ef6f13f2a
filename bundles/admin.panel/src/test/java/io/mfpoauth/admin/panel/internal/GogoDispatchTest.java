package io.mfpoauth.admin.panel.internal;

import static io.mfpoauth.admin.panel.internal.Fakes.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mfpoauth.admin.panel.internal.Fakes.Handlers;
import io.mfpoauth.admin.panel.internal.Fakes.Mail;
import io.mfpoauth.admin.panel.internal.Fakes.Settings;
import io.mfpoauth.admin.panel.internal.Fakes.Tokens;
import io.mfpoauth.token.TokenState;

/**
 * The commands through the real Gogo runtime, registered as its OSGi activator does it from the component's service
 * properties (one command per {@code osgi.command.function}): dashed names reach {@code _main}, quoted arguments
 * arrive whole, and the confirmation reads the session's own input.
 */
class GogoDispatchTest {

    private final Tokens tokens = new Tokens();
    private final Settings settings = new Settings();
    private final ThreadIOImpl threadIO = new ThreadIOImpl();
    private CommandProcessorImpl processor;

    @BeforeEach
    void gogo() throws IOException {
        settings.smtp = Fakes.oauthSmtp();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        PanelCommandsComponent component = new PanelCommandsComponent(
                new PanelCommands(new PanelSteps(tokens, settings, new Mail(), new Handlers()), CLOCK));
        for (String function : componentFunctions()) {
            processor.addCommand("mfp", component, function);
        }
    }

    @AfterEach
    void stop() {
        threadIO.stop();
    }

    @Test
    void theComponentRegistersEveryCommand() throws IOException {
        assertThat(componentFunctions()).containsExactlyElementsOf(PanelCommands.USAGE.keySet());
    }

    @Test
    void confirmationReadsTheSessionsInput() throws Exception {
        tokens.put(Fakes.status("smtp", TokenState.RETRIEVED, "microsoft", "scanner@example.com"));

        String noInput = execute("", "mfp:delete-token smtp");
        String refused = execute("n\n", "mfp:delete-token smtp");
        String accepted = execute("y\nmfp:tokens\n", "mfp:delete-token smtp");

        assertThat(noInput).endsWith("Not deleted: there is no console input to confirm on; run the command again "
                + "with --yes to confirm in advance.\n");
        assertThat(refused).endsWith("Not deleted: not confirmed.\n");
        assertThat(accepted).endsWith("Token deleted.\nsmtp: Non recuperato / Not retrieved\n");
        assertThat(tokens.calls).containsExactly("delete smtp");
    }

    @Test
    void argumentsArriveAsTyped() throws Exception {
        String set = execute("", "mfp:smtp-set 'senderName=Scanner 3' port=2525 account=scanner@example.com");
        String complete = execute("", "mfp:complete-token smtp 'http://127.0.0.1:4711/oauth2/callback?code=c&state=s;x'");
        String usage = execute("", "mfp:get-token");

        assertThat(set).contains("  senderName            Scanner 3\n", "  port                  2525\n");
        assertThat(tokens.calls).containsExactly("complete smtp http://127.0.0.1:4711/oauth2/callback?code=c&state=s;x");
        assertThat(complete).contains("Token retrieved.");
        assertThat(usage).isEqualTo("Usage: mfp:get-token <slot> [--yes] [--no-wait]   (slot: smtp or pop-<id>)\n");
        assertThat(execute("", "tokens")).as("without the scope too")
                .isEqualTo("smtp: Recuperato / Retrieved (scanner@example.com, provider microsoft, expires 10:42)\n");
    }

    private String execute(String input, String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), print, print)) {
            assertThat(session.execute(command)).as("commands print and return nothing").isNull();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The {@code osgi.command.function} values of the DS descriptor bnd generated from the component's annotation. */
    private static List<String> componentFunctions() throws IOException {
        String xml = Files.readString(Path.of("target/classes/OSGI-INF/"
                + PanelCommandsComponent.class.getName() + ".xml"));
        Matcher m = Pattern.compile("name=\"osgi.command.function\" type=\"String\">([^<]*)<").matcher(xml);
        assertThat(m.find()).isTrue();
        return List.of(m.group(1).trim().split("\\s+"));
    }
}
