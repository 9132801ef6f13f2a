package io.mfpoauth.itest.web;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import io.mfpoauth.itest.FirmwareSupport;
import io.mfpoauth.itest.keycloak.DeviceApproval;
import io.mfpoauth.itest.keycloak.Keycloak;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.token.TokenState;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The panel's steps as the image's Gogo shell runs them (scope {@code mfp}), on the same services as the web
 * page, against the real Keycloak: configure SMTP, Get Token with confirmation, the code shown, the state watched
 * live to Retrieved, delete with confirmation, Not retrieved.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PanelIT {
    @Inject
    private CommandProcessor shell;
    @Inject
    private TokenService tokens;
    @Inject
    private ConfigurationAdmin configAdmin;

    private Keycloak keycloak;

    @Configuration
    public Option[] configuration() {
        return options(FirmwareSupport.firmware(PanelIT.class));
    }

    @Before
    public void setUp() throws Exception {
        Assume.assumeFalse("Keycloak skipped", Keycloak.skipped());
        keycloak = Keycloak.fromSystemProperty();
        configAdmin.getFactoryConfiguration("io.mfpoauth.provider.oidc", "keycloak", "?")
                .update(keycloak.providerConfiguration("keycloak", keycloak.deviceClient()));
        long deadline = System.currentTimeMillis() + 15_000;
        while (tokens.providers().stream().noneMatch(p -> p.id.equals("keycloak"))) {
            assertTrue("the provider came up", System.currentTimeMillis() < deadline);
            Thread.sleep(50);
        }
    }

    @Test
    public void getTokenAndDeleteAtThePanel() throws Exception {
        String scanner = keycloak.users().get(0);
        String set = run("", "mfp:smtp-set server=smtp.mfp.test port=587 security=starttls senderAddress=" + scanner
                + " authMethod=oauth2 provider=keycloak account=" + scanner);
        assertTrue(set, run("", "mfp:smtp").contains("smtp.mfp.test"));
        assertTrue(run("", "mfp:smtp-set port=70000").contains("port"));

        // Get Token: confirmed on the console, the code shown, the state watched until Retrieved.
        PipedOutputStream keyboard = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keyboard);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Object> getToken = pool.submit(() -> {
                try (CommandSession session = shell.createSession(in, new PrintStream(out, true, "UTF-8"),
                        new PrintStream(out, true, "UTF-8"))) {
                    return session.execute("mfp:get-token smtp");
                }
            });
            keyboard.write("y\n".getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
            String shown = awaitOutput(out, "Complete address: ");
            assertTrue(shown, shown.contains("Continue? [y/N]"));
            assertTrue(shown, shown.contains("In attesa di autorizzazione / Awaiting authorization"));
            Matcher complete = Pattern.compile("Complete address: (\\S+)").matcher(shown);
            assertTrue(shown, complete.find());
            DeviceApproval.approve(complete.group(1), scanner, keycloak.password());
            getToken.get(30, TimeUnit.SECONDS);
            String watched = out.toString(StandardCharsets.UTF_8);
            assertTrue(watched, watched.contains("Token retrieved."));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(TokenState.RETRIEVED, tokens.status(Slot.smtp()).state);
        assertTrue(run("", "mfp:tokens").contains("smtp: Recuperato / Retrieved"));

        // Delete asks first: refused, then confirmed.
        assertTrue(run("n\n", "mfp:delete-token smtp").contains("Not deleted: not confirmed."));
        assertEquals(TokenState.RETRIEVED, tokens.status(Slot.smtp()).state);
        String deleted = run("y\n", "mfp:delete-token smtp");
        assertTrue(deleted, deleted.contains("smtp: Non recuperato / Not retrieved"));
        assertEquals(TokenState.NOT_RETRIEVED, tokens.status(Slot.smtp()).state);
    }

    private String run(String input, String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, "UTF-8");
        try (CommandSession session = shell.createSession(
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), print, print)) {
            session.execute(command);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String awaitOutput(ByteArrayOutputStream out, String text) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            String s = out.toString(StandardCharsets.UTF_8);
            if (s.contains(text) && s.indexOf('\n', s.indexOf(text)) > 0) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("'" + text + "' not printed: " + out.toString(StandardCharsets.UTF_8));
    }
}
