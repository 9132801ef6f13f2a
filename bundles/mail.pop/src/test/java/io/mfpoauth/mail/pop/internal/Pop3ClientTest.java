package io.mfpoauth.mail.pop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import io.mfpoauth.mail.AuthMethod;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.mail.Security;

class Pop3ClientTest {

    @Test
    void aHugeListingKeepsTheNewestEntriesOnly() throws Exception {
        try (FakePop3Server server = new FakePop3Server()) {
            int total = Pop3Client.MAX_LISTED + 5;
            for (int i = 1; i <= total; i++) {
                server.add("u" + i, "x\r\n");
            }
            try (Pop3Client client = new Pop3Client(settings(server), PopMailboxTest.TRUST)) {
                client.open();
                client.signInWithPassword("fax", "right-password");

                Pop3Client.Listing<String> uidls = client.uidl();
                Pop3Client.Listing<Long> sizes = client.list();

                assertThat(uidls.complete()).isFalse();
                assertThat(uidls.entries()).hasSize(Pop3Client.MAX_LISTED).containsEntry(total, "u" + total)
                        .doesNotContainKey(5).containsKey(6);
                assertThat(sizes.entries().keySet()).isEqualTo(uidls.entries().keySet());
                assertThat(client.quit()).isTrue();
            }
        }
    }

    @Test
    void abortEndsAConnectionFromAnotherThread() throws IOException {
        try (FakePop3Server server = new FakePop3Server()) {
            Pop3Client client = new Pop3Client(settings(server), PopMailboxTest.TRUST);
            client.abort();

            assertThat(client.usable()).isFalse();
            assertThat(client.toString()).isEqualTo("Pop3Client[127.0.0.1:" + server.port() + ", none]");
        }
    }

    /** Found by fuzzing (itest/fuzz Pop3SessionFuzzTest): a reply after the sign-in echoing the token. */
    @Test
    void aTokenEchoedInALaterReplyIsNotInTheFailure() throws Exception {
        String token = "ya29.echoed-token-4242";
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (java.net.Socket s = listener.accept()) {
                    s.getOutputStream().write(("+OK ready\r\n+OK\r\nSASL XOAUTH2\r\n.\r\n+ \r\n+OK\r\n+OK 1 "
                            + token + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.shutdownOutput();
                    s.getInputStream().readAllBytes();
                } catch (IOException e) {
                    // the client hung up
                }
            });
            server.start();
            PopSettings s = new PopSettings();
            s.id = "fax";
            s.server = "127.0.0.1";
            s.port = listener.getLocalPort();
            s.security = Security.NONE;
            s.authMethod = AuthMethod.OAUTH2;
            s.timeoutSeconds = 5;
            try (Pop3Client client = new Pop3Client(s, PopMailboxTest.TRUST)) {
                client.open();
                client.signInWithToken("fax@example.com", token, io.mfpoauth.mail.OAuthMechanism.AUTO);
                io.mfpoauth.mail.MailException e = org.junit.jupiter.api.Assertions.assertThrows(
                        io.mfpoauth.mail.MailException.class, client::stat);
                assertThat(e.getMessage()).doesNotContain(token).contains("<hidden>");
                assertThat(e.serverReply()).doesNotContain(token);
            }
            server.join(10_000);
        }
    }

    private static PopSettings settings(FakePop3Server server) {
        PopSettings s = new PopSettings();
        s.id = "fax";
        s.server = "127.0.0.1";
        s.port = server.port();
        s.security = Security.NONE;
        s.authMethod = AuthMethod.PASSWORD;
        s.timeoutSeconds = 5;
        return s;
    }
}
