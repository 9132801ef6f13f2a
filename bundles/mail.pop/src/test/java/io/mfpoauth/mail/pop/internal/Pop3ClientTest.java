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
