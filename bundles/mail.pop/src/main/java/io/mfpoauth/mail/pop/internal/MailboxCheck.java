package io.mfpoauth.mail.pop.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.mfpoauth.mail.AuthMethod;
import io.mfpoauth.mail.MailException;
import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.MailReceiver;
import io.mfpoauth.mail.PollResult;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.TestResult;
import io.mfpoauth.mail.auth.DeviceTrust;
import io.mfpoauth.mail.auth.MailSecrets;
import io.mfpoauth.mail.auth.TokenLogin;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenService;

/**
 * One check of a POP mailbox (or one connection test) with one reading of its settings: sign in, list, hand each
 * new message to the receivers, delete what all of them accepted, QUIT.
 *
 * <p>Why no message is lost: a message is deleted only after every receiver returned normally and its UIDL is on
 * the disk ({@link AcceptedUidls}); the DELE takes effect only at QUIT, so a connection that dies before leaves it on
 * the server; and an accepted UIDL is never handed over again, only deleted. What a receiver may see twice is a
 * message accepted by some receivers and refused by another (it is offered to all again on the next check): the
 * receivers recognise it by its UIDL and Message-ID.
 */
final class MailboxCheck {
    private final PopSettings settings;
    private final Path mailFolder;
    private final TokenService tokens;
    private final DeviceTrust trust;
    private final MailSecrets secrets;
    private final Log log;
    private volatile Pop3Client active;
    private volatile boolean aborted;

    MailboxCheck(PopSettings settings, Path mailFolder, TokenService tokens, DeviceTrust trust, MailSecrets secrets,
            Log log) {
        this.settings = settings;
        this.mailFolder = mailFolder;
        this.tokens = tokens;
        this.trust = trust;
        this.secrets = secrets;
        this.log = log;
    }

    /** Where retrieved messages wait while the receivers read them: {@code <data>/mail/tmp}. */
    static Path tempFolder(Path mailFolder) {
        return mailFolder.resolve("tmp");
    }

    /**
     * The prefix of a setting's temporary files, so that those a stopped device left are found again ('_' cannot
     * be part of an id: {@code pop-fax_} never matches setting {@code fax-2}'s files).
     */
    static String tempPrefix(String popId) {
        return "pop-" + popId + "_";
    }

    /** The setting's accepted UIDLs: {@code <data>/mail/state/pop-<id>.accepted}. */
    static Path acceptedFile(Path mailFolder, String popId) {
        return mailFolder.resolve("state").resolve("pop-" + popId + ".accepted");
    }

    /** Checks the mailbox; receivers in the order they are to be given each message. */
    PollResult run(List<MailReceiver> receivers) {
        PollResult result = new PollResult();
        Pop3Client client = null;
        int marked = 0;
        try {
            client = signIn();
            Pop3Client.Listing<String> uidls = client.uidl();
            Map<Integer, Long> sizes = client.list().entries();
            result.onServer = uidls.entries().size();
            AcceptedUidls accepted = accepted();
            if (uidls.complete()) {
                accepted.retainOnly(uidls.entries().values());
            }
            for (Map.Entry<Integer, String> message : uidls.entries().entrySet()) {
                int number = message.getKey();
                String uidl = message.getValue();
                if (accepted.contains(uidl)) {
                    marked += deleteIfWanted(client, number, uidl);
                } else if (!receivers.isEmpty()) {
                    if (take(client, number, uidl, sizes.get(number), receivers, accepted)) {
                        result.accepted++;
                        marked += deleteIfWanted(client, number, uidl);
                    } else {
                        result.refused++;
                    }
                }
            }
            if (!client.quit()) {
                throw new MailException(MailFailure.SERVER_ERROR, "Mail server " + client.server() + " did not "
                        + "confirm QUIT: messages marked for deletion may still be there (the next check deletes "
                        + "them).");
            }
            result.deleted = marked;
            result.ok = true;
            result.code = "ok";
            result.message = summary(result) + (receivers.isEmpty() && result.onServer > accepted.size()
                    ? "; no receiver is installed, so nothing was taken" : "");
        } catch (MailException e) {
            failed(result, e.failure(), e.getMessage());
        } catch (IOException e) {
            failed(result, MailFailure.SERVER_ERROR, "The device could not read or write "
                    + acceptedFile(mailFolder, settings.id) + ": " + e.getMessage());
        } finally {
            if (client != null) {
                client.close();
            }
        }
        result.at = System.currentTimeMillis();
        return result;
    }

    /** Connects, secures, signs in and counts the messages, without taking anything. */
    TestResult test() {
        try (Pop3Client client = signIn()) {
            Pop3Client.Stat stat = client.stat();
            client.quit();
            String account = settings.authMethod == AuthMethod.OAUTH2 ? settings.account : settings.username;
            return TestResult.success("Signed in to " + client.server() + " as " + account + " ("
                    + settings.security.key() + ", " + settings.authMethod.key() + "): " + stat.messages()
                    + " messages, " + stat.octets() + " bytes on the server.");
        } catch (MailException e) {
            return e.toTestResult();
        }
    }

    /** Ends the check at once from another thread: the connection is closed, nothing marked is deleted. */
    void abort() {
        aborted = true;
        Pop3Client client = active;
        if (client != null) {
            client.abort();
        }
    }

    private Pop3Client signIn() throws MailException {
        if (settings.authMethod == AuthMethod.OAUTH2) {
            // A rejected token is renewed once and tried on a new connection.
            return new TokenLogin(tokens).run(Slot.pop(settings.id), token -> {
                Pop3Client client = connect();
                try {
                    client.signInWithToken(settings.account, token.value(), settings.oauthMechanism);
                    return client;
                } catch (TokenLogin.Rejected | MailException | RuntimeException e) {
                    client.close();
                    throw e;
                }
            });
        }
        Pop3Client client = connect();
        try {
            client.signInWithPassword(settings.username, secrets.open(settings.password));
            return client;
        } catch (MailException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private Pop3Client connect() throws MailException {
        Pop3Client client = new Pop3Client(settings, trust);
        active = client;
        if (aborted) {
            client.close();
            throw new MailException(MailFailure.NETWORK, "The check of POP setting " + settings.id
                    + " was stopped.");
        }
        try {
            client.open();
        } catch (MailException | RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    private AcceptedUidls accepted() throws IOException {
        String account = settings.authMethod == AuthMethod.OAUTH2 ? settings.account : settings.username;
        return AcceptedUidls.load(acceptedFile(mailFolder, settings.id),
                settings.server + ":" + settings.port + " " + account);
    }

    /**
     * Retrieves one message and hands it to every receiver. @return whether all of them accepted it and its UIDL
     * is on the disk
     * @throws MailException when the connection failed (the check ends; the message stays on the server)
     */
    private boolean take(Pop3Client client, int number, String uidl, Long listedSize, List<MailReceiver> receivers,
            AcceptedUidls accepted) throws MailException {
        if (listedSize != null && listedSize > Pop3Client.MAX_MESSAGE) {
            log.warn(name() + ": message " + uidl + " has " + listedSize + " bytes, more than the "
                    + Pop3Client.MAX_MESSAGE + " the device takes; it stays on the server.");
            return false;
        }
        Path file = null;
        try {
            Path folder = tempFolder(mailFolder);
            Files.createDirectories(folder);
            file = Files.createTempFile(folder, tempPrefix(settings.id), ".eml");
            long size = client.retrieve(number, file);
            TempMail mail = TempMail.of(settings.id, uidl, file, size);
            if (!handOver(mail, receivers)) {
                return false;
            }
            accepted.add(uidl);
            return true;
        } catch (MailException e) {
            if (!client.usable()) {
                throw e;
            }
            log.warn(name() + ": message " + uidl + " was not retrieved; it stays on the server: " + e.getMessage());
            return false;
        } catch (IOException e) {
            log.warn(name() + ": message " + uidl + " could not be kept on the device; it stays on the server: "
                    + e);
            return false;
        } finally {
            deleteQuietly(file);
        }
    }

    private boolean handOver(TempMail mail, List<MailReceiver> receivers) {
        boolean all = true;
        for (MailReceiver receiver : receivers) {
            try {
                receiver.receive(mail);
            } catch (Throwable e) { // NOPMD: whatever a receiver throws, the message stays on the server
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                all = false;
                log.warn(name() + ": " + receiver.getClass().getName() + " did not accept message " + mail.uidl()
                        + " (" + mail.messageId() + "); it stays on the server: " + e);
            }
        }
        return all;
    }

    private int deleteIfWanted(Pop3Client client, int number, String uidl) throws MailException {
        if (!settings.deleteAfterRetrieval) {
            return 0;
        }
        if (client.delete(number)) {
            return 1;
        }
        log.warn(name() + ": the server did not delete message " + uidl + "; the next check tries again.");
        return 0;
    }

    private void failed(PollResult result, MailFailure failure, String message) {
        result.ok = false;
        result.code = failure.code();
        result.message = message;
        log.warn(name() + ": the check failed (" + failure.code() + "; " + summary(result)
                + "), the next check tries again: " + message);
    }

    private static String summary(PollResult result) {
        return result.onServer + " on the server, " + result.accepted + " accepted, " + result.refused
                + " refused, " + result.deleted + " deleted";
    }

    private String name() {
        return "POP " + settings.id;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the next activation removes it
            }
        }
    }
}
