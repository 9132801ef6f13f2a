package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BodiesTest {
    @TempDir
    Path folder;

    private static InputStream bytes(int n) {
        return new ByteArrayInputStream(new byte[n]);
    }

    @Test
    void theLimitsOfTheContract() {
        assertThat(Bodies.JSON_LIMIT).isEqualTo(64 * 1024);
        assertThat(Bodies.FEATURE_LIMIT).isEqualTo(32 * 1024 * 1024);
        assertThat(Bodies.MAIL_LIMIT).isEqualTo(40 * 1024 * 1024);
    }

    @Test
    void aBodyUpToTheLimitIsRead() throws Exception {
        assertThat(Bodies.read(bytes(64 * 1024), 64 * 1024, Bodies.JSON_LIMIT)).hasSize(64 * 1024);
        assertThat(Bodies.read(bytes(10), -1, Bodies.JSON_LIMIT)).hasSize(10);
    }

    @Test
    void overTheLimitIs413WhetherDeclaredOrNot() {
        ApiException declared = catchThrowableOfType(ApiException.class,
                () -> Bodies.read(bytes(0), 64 * 1024 + 1, Bodies.JSON_LIMIT));
        assertThat(declared.status()).isEqualTo(413);
        ApiException undeclared = catchThrowableOfType(ApiException.class,
                () -> Bodies.read(bytes(64 * 1024 + 1), -1, Bodies.JSON_LIMIT));
        assertThat(undeclared.status()).isEqualTo(413);
        assertThat(undeclared.body().get("message").asText()).contains("64 KiB");
        ApiException lying = catchThrowableOfType(ApiException.class,
                () -> Bodies.read(bytes(100_000), 10, Bodies.JSON_LIMIT));
        assertThat(lying.status()).as("a Content-Length that lies").isEqualTo(413);
    }

    @Test
    void anArchiveIsCopiedToAFileUpToItsLimit() throws Exception {
        Path file = folder.resolve("archive.tmp");
        Bodies.copy(bytes(1000), 1000, 1000, file);
        assertThat(Files.size(file)).isEqualTo(1000);
        assertThat(catchThrowableOfType(ApiException.class, () -> Bodies.copy(bytes(1001), -1, 1000, file)).status())
                .isEqualTo(413);
    }

    @Test
    void aBodyOfAnotherTypeIs415() throws Exception {
        Bodies.requireType("application/json", Bodies.JSON);
        Bodies.requireType("Application/JSON; charset=UTF-8", Bodies.JSON);
        Bodies.requireType("application/x-zip-compressed", "application/zip", "application/x-zip-compressed");
        for (String type : new String[] { null, "", "text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/jsonx" }) {
            ApiException e = catchThrowableOfType(ApiException.class, () -> Bodies.requireType(type, Bodies.JSON));
            assertThat(e.status()).as(type).isEqualTo(415);
        }
        assertThatThrownBy(() -> Bodies.requireType("application/json", "application/zip"))
                .isInstanceOf(ApiException.class);
    }
}
