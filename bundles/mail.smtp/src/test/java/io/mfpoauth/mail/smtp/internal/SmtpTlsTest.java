package io.mfpoauth.mail.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import io.mfpoauth.mail.MailFailure;
import io.mfpoauth.mail.TestResult;
import io.mfpoauth.mail.auth.DeviceTrust;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STARTTLS and TLS against the fake server with a self-signed certificate: trust and host name are checked. */
class SmtpTlsTest {
    @TempDir
    static Path certificates;
    static TestCertificates forLoopback;
    static TestCertificates forOtherName;

    @TempDir
    Path dir;
    FakeSmtpServer server;
    final FakeTokens tokens = new FakeTokens();
    final RecordingLogger log = new RecordingLogger();

    @BeforeAll
    static void makeCertificates() throws Exception {
        forLoopback = TestCertificates.create(certificates, "ip:127.0.0.1");
        forOtherName = TestCertificates.create(certificates, "dns:other.example.com");
    }

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer(dir);
        server.tls = forLoopback.server();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    TestResult test(String security, DeviceTrust trust) {
        Map<String, Object> config = new HashMap<>();
        config.put("server", "127.0.0.1");
        config.put("port", server.port());
        config.put("security", security);
        config.put("senderAddress", "scanner@example.com");
        config.put("authMethod", "oauth2");
        config.put("provider", "google");
        config.put("account", "scanner@example.com");
        return new SmtpMailSender(tokens, trust, FakeTokens.CLEAR_SECRETS, log.logger, config, null).test();
    }

    static DeviceTrust trust(SSLContext context) {
        return () -> context;
    }

    @Test
    void startTlsWithATrustedCertificateThenSignIn() throws Exception {
        TestResult result = test("starttls", trust(forLoopback.trusting()));

        assertThat(result.ok).as(result.message).isTrue();
        assertThat(result.message).contains("with STARTTLS, signed in with XOAUTH2 as scanner@example.com");
        assertThat(server.lines).contains("STARTTLS");
        assertThat(server.lines.stream().filter(l -> l.startsWith("EHLO")).count()).isEqualTo(2);
    }

    @Test
    void implicitTlsWithATrustedCertificate() throws Exception {
        server.implicitTls = true;

        TestResult result = test("tls", trust(forLoopback.trusting()));

        assertThat(result.ok).as(result.message).isTrue();
        assertThat(result.message).contains("with TLS,");
    }

    @Test
    void aCertificateTheDeviceDoesNotTrustFails() throws NoSuchAlgorithmException {
        SSLContext jvmOnly = SSLContext.getDefault();

        TestResult result = test("starttls", trust(jvmOnly));

        assertThat(result.code).isEqualTo(MailFailure.TLS_FAILED.code());
        assertThat(server.authLines).isEmpty();
    }

    @Test
    void aTrustedCertificateForAnotherNameFails() throws Exception {
        server.tls = forOtherName.server();

        TestResult result = test("starttls", trust(forOtherName.trusting()));

        assertThat(result.code).as(result.message).isEqualTo(MailFailure.TLS_FAILED.code());
        assertThat(server.authLines).isEmpty();
        assertThat(List.copyOf(server.lines)).doesNotContain("MAIL FROM:<scanner@example.com>");
    }
}
