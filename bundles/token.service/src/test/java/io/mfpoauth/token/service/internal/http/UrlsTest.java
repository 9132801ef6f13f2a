package io.mfpoauth.token.service.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UrlsTest {

    @ParameterizedTest
    @ValueSource(strings = {"https://login.microsoftonline.com/common/oauth2/v2.0/token",
            "HTTPS://oauth2.googleapis.com/token", "http://localhost:8080/token", "http://127.0.0.1/token",
            "http://127.1.2.3:9/x", "http://[::1]:4000/token", "http://LOCALHOST/token"})
    void accepts(String address) {
        assertThatCode(() -> Urls.requireSecure(URI.create(address))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/token", "http://128.0.0.1/token", "http://127.0.0.1.evil.example/t",
            "http://localhost.evil.example/t", "http://10.0.0.1/token", "http://[::2]/token", "ftp://127.0.0.1/x",
            "file:///etc/passwd", "mailto:a@example.com", "/relative/token", "http:///nohost"})
    void refuses(String address) {
        URI uri = URI.create(address);
        assertThatThrownBy(() -> Urls.requireSecure(uri)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Refused");
    }

    @org.junit.jupiter.api.Test
    void theRefusalSaysWhichAddressAndWhy() {
        assertThatThrownBy(() -> Urls.requireSecure(URI.create("http://example.com/token?client_secret=s3cr3t")))
                .hasMessageContaining("http://example.com/token").hasMessageContaining("https")
                .hasMessageContaining("loopback").hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> Urls.requireSecure(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1", "127.255.255.254", "::1", "[::1]", "0:0:0:0:0:0:0:1",
            "[0:0:0:0:0:0:0:1]"})
    void loopback(String host) {
        assertThat(Urls.isLoopback(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "example.com", "127.0.0.256", "127.1", "1.2.3.4", "::2", "[::]", "localhost.example",
            "127.0.0.1.nip.io", "::1%lo"})
    void notLoopback(String host) {
        assertThat(Urls.isLoopback(host)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void messagesShowNoQueryNorUserInfo() {
        assertThat(Urls.forMessages(URI.create("https://user:pw@host.example:8443/p/a?code=c#f")))
                .isEqualTo("https://host.example:8443/p/a");
    }
}
