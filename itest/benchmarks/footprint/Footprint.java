import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Start-up and resident-memory driver of benchmarks P1, P2 and P9, run by footprint/run.sh as a single-file
 * program ({@code java Footprint.java <mode> ...}): it needs nothing but the JDK, so it runs before, and without,
 * any Maven module of the benchmarks.
 * <p>
 * Every measure starts the exported firmware ({@code firmware.jar}) and the bare runtime ({@code bare.jar}) in
 * turn, A B A B ..., each time with fresh data and configuration folders and a free port, and reports medians,
 * so a machine that gets slower or faster during the run weighs on both sides alike.
 * <p>
 * Modes (every line printed on standard output is {@code key=value ...}, read by run.sh):
 * <ul>
 * <li>{@code start <runs> <firmware.jar> <bare.jar> <fwFlags> <bareFlags> [fwDir]}: milliseconds from process
 * start to ready. Flags are space-separated JVM options ({@code -} for none). {@code fwDir}, when given, is a
 * folder kept across the firmware's runs (for the bundle cache and the class-data archive of P9).</li>
 * <li>{@code memory <runs> <firmware.jar> <bare.jar> <flags> <refreshes>}: VmRSS 5 s after ready and after
 * the load (the firmware's token refreshes against a local authorization server; the bare runtime's hello
 * requests, as many).</li>
 * <li>{@code train <firmware.jar> <flags> <fwDir>}: one start to ready and a clean stop (for
 * {@code -XX:ArchiveClassesAtExit}).</li>
 * </ul>
 */
public final class Footprint {

    private static final String PASSWORD = "bench-" + UUID.randomUUID();
    private static final Duration START_LIMIT = Duration.ofSeconds(180);
    private static final long POLL_MILLIS = 20;
    private static final long SETTLE_MILLIS = 5_000;
    /** Token slots refreshing at once; each renews about every 0.75 s with 1 s access tokens. */
    private static final int SLOTS = 4;
    /** USER_HZ: 100 on Linux on every architecture the JDK runs on. */
    private static final long CLOCK_TICKS = 100;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "start" -> start(Integer.parseInt(args[1]), Paths.get(args[2]), Paths.get(args[3]), flags(args[4]),
                    flags(args[5]), args.length > 6 ? Paths.get(args[6]) : null);
            case "memory" -> memory(Integer.parseInt(args[1]), Paths.get(args[2]), Paths.get(args[3]), flags(args[4]),
                    Integer.parseInt(args[5]));
            case "train" -> train(Paths.get(args[1]), flags(args[2]), Paths.get(args[3]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    // ------------------------------------------------------------------------------------------------ modes

    private static void start(int runs, Path firmware, Path bare, List<String> fwFlags, List<String> bareFlags,
            Path fwDir) throws Exception {
        long[] fw = new long[runs];
        long[] bw = new long[runs];
        long[] fwCpu = new long[runs];
        long[] bCpu = new long[runs];
        for (int i = 0; i < runs; i++) {
            try (Runtime r = Runtime.firmware(firmware, fwFlags, fwDir)) {
                fw[i] = r.awaitReady();
                fwCpu[i] = r.cpuMillis();
            }
            try (Runtime r = Runtime.bare(bare, bareFlags)) {
                bw[i] = r.awaitReady();
                bCpu[i] = r.cpuMillis();
            }
            System.err.printf("run %d: firmware %d ms (CPU %d ms), bare %d ms (CPU %d ms)%n", i + 1, fw[i], fwCpu[i],
                    bw[i], bCpu[i]);
        }
        System.out.printf("firmware=%d bare=%d firmwareMin=%d firmwareMax=%d bareMin=%d bareMax=%d firmwareCpu=%d"
                + " bareCpu=%d runs=%d%n", median(fw), median(bw), min(fw), max(fw), min(bw), max(bw), median(fwCpu),
                median(bCpu), runs);
    }

    private static void memory(int runs, Path firmware, Path bare, List<String> flags, int refreshes)
            throws Exception {
        long[] fwIdle = new long[runs], fwLoad = new long[runs], bIdle = new long[runs], bLoad = new long[runs];
        try (AuthServer auth = new AuthServer()) {
            for (int i = 0; i < runs; i++) {
                try (Runtime r = Runtime.firmware(firmware, flags, null, auth.configuration())) {
                    r.awaitReady();
                    Thread.sleep(SETTLE_MILLIS);
                    fwIdle[i] = r.rssKb();
                    int before = auth.refreshes.get();
                    r.retrieveTokens(SLOTS);
                    r.awaitRefreshes(auth.refreshes, before + refreshes);
                    r.requireAlive();
                    fwLoad[i] = r.rssKb();
                }
                try (Runtime r = Runtime.bare(bare, flags)) {
                    r.awaitReady();
                    Thread.sleep(SETTLE_MILLIS);
                    bIdle[i] = r.rssKb();
                    for (int n = 0; n < refreshes; n++) {
                        r.get("/hello", false);
                    }
                    r.requireAlive();
                    bLoad[i] = r.rssKb();
                }
                System.err.printf("run %d: firmware %d / %d kB, bare %d / %d kB (idle / after load)%n", i + 1,
                        fwIdle[i], fwLoad[i], bIdle[i], bLoad[i]);
            }
        }
        System.out.printf("firmwareIdle=%d firmwareLoad=%d bareIdle=%d bareLoad=%d firmwareLoadMin=%d firmwareLoadMax=%d"
                + " bareLoadMin=%d bareLoadMax=%d runs=%d%n", median(fwIdle), median(fwLoad), median(bIdle),
                median(bLoad), min(fwLoad), max(fwLoad), min(bLoad), max(bLoad), runs);
    }

    private static void train(Path firmware, List<String> flags, Path fwDir) throws Exception {
        try (Runtime r = Runtime.firmware(firmware, flags, fwDir)) {
            System.out.printf("ready=%d%n", r.awaitReady());
        }
    }

    // ------------------------------------------------------------------------------------------------ runtimes

    /** One started JVM: the firmware or the bare runtime, in its own temporary folder. */
    private static final class Runtime implements AutoCloseable {
        private final Path work;
        private final int port;
        private final boolean firmware;
        private final Process process;
        private final long startNanos;

        private Runtime(Path work, int port, boolean firmware, Process process, long startNanos) {
            this.work = work;
            this.port = port;
            this.firmware = firmware;
            this.process = process;
            this.startNanos = startNanos;
        }

        static Runtime firmware(Path jar, List<String> flags, Path keep) throws IOException {
            return firmware(jar, flags, keep, Map.of());
        }

        static Runtime firmware(Path jar, List<String> flags, Path keep, Map<String, String> configuration)
                throws IOException {
            return launch(jar, flags, keep, configuration, true);
        }

        static Runtime bare(Path jar, List<String> flags) throws IOException {
            return launch(jar, flags, null, Map.of(), false);
        }

        private static Runtime launch(Path jar, List<String> flags, Path keep, Map<String, String> configuration,
                boolean firmware) throws IOException {
            Path work = Files.createTempDirectory(firmware ? "bench-firmware-" : "bench-bare-");
            Path conf = Files.createDirectories(work.resolve("conf"));
            for (Map.Entry<String, String> c : configuration.entrySet()) {
                Files.writeString(conf.resolve(c.getKey()), c.getValue(), StandardCharsets.UTF_8);
            }
            int port = freePort();
            List<String> command = new ArrayList<>();
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(flags);
            command.addAll(List.of("-Dgosh.args=--nointeractive", "-Dmfpoauth.conf=" + conf,
                    "-Dmfpoauth.data=" + work.resolve("data"), "-Dorg.osgi.service.http.port=" + port, "-jar",
                    jar.toAbsolutePath().toString()));
            // A kept folder holds what a device keeps across starts (bundle cache, class-data archive): run there.
            Path dir = keep != null ? keep : work;
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("console.log").toFile());
            builder.environment().put("MFPOAUTH_ADMIN_PASSWORD", PASSWORD);
            long start = System.nanoTime();
            return new Runtime(work, port, firmware, builder.start(), start);
        }

        /**
         * Polls until the runtime serves what it is for and returns the milliseconds since its start. Firmware:
         * the web page ({@code GET /}) and the token service through the REST API ({@code GET /api/v1/tokens});
         * bare runtime: the hello servlet.
         */
        long awaitReady() throws IOException, InterruptedException {
            List<String> paths = firmware ? List.of("/", "/api/v1/tokens") : List.of("/hello");
            long deadline = startNanos + START_LIMIT.toNanos();
            for (String path : paths) {
                while (get(path, path.startsWith("/api/")) != 200) {
                    requireAlive();
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(path + " not ready within " + START_LIMIT + "\n" + console());
                    }
                    Thread.sleep(POLL_MILLIS);
                }
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        }

        int get(String path, boolean admin) throws InterruptedException {
            return send("GET", path, admin, null).statusCode();
        }

        private HttpResponse<String> send(String method, String path, boolean admin, String json)
                throws InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10))
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                b.header("Content-Type", "application/json");
            }
            if (admin) {
                b.header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
            }
            try {
                return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException notListening) {
                return new Refused();
            }
        }

        private void admin(String method, String path, String json, int... expected) throws InterruptedException {
            HttpResponse<String> r = send(method, path, true, json);
            if (Arrays.stream(expected).noneMatch(e -> e == r.statusCode())) {
                throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + " " + r.body());
            }
        }

        /**
         * Gives the SMTP slot and {@code slots - 1} POP slots a token from the local authorization server (the
         * provider {@code bench}, device flow approved at once), as the administrator does through the REST API.
         */
        void retrieveTokens(int slots) throws InterruptedException {
            // FileInstall applies the provider's file at its start, but DS registers the provider a little later
            long providerDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!send("GET", "/api/v1/providers", true, null).body().contains("\"id\":\"bench\"")) {
                requireAlive();
                if (System.nanoTime() > providerDeadline) {
                    throw new IllegalStateException("provider bench not listed\n" + console());
                }
                Thread.sleep(100);
            }
            // A closed port: nothing is sent or polled, the settings only name the provider and account.
            String common = "\"server\":\"127.0.0.1\",\"port\":9,\"security\":\"none\",\"authMethod\":\"oauth2\","
                    + "\"provider\":\"bench\"";
            admin("PUT", "/api/v1/settings/smtp", "{" + common + ",\"account\":\"scanner@bench.test\","
                    + "\"senderAddress\":\"scanner@bench.test\"}", 200, 204);
            List<String> slotNames = new ArrayList<>(List.of("smtp"));
            for (int i = 1; i < slots; i++) {
                admin("PUT", "/api/v1/settings/pop/bench" + i, "{\"id\":\"bench" + i + "\"," + common
                        + ",\"account\":\"fax" + i + "@bench.test\",\"checkIntervalMinutes\":1440,\"enabled\":false}",
                        200, 201, 204);
                slotNames.add("pop-bench" + i);
            }
            for (String slot : slotNames) {
                admin("POST", "/api/v1/tokens/" + slot + "/retrieval", "", 200, 202);
            }
            for (String slot : slotNames) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!send("GET", "/api/v1/tokens/" + slot, true, null).body().contains("\"RETRIEVED\"")) {
                    requireAlive();
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(slot + " not Retrieved\n" + console());
                    }
                    Thread.sleep(100);
                }
            }
        }

        void awaitRefreshes(AtomicInteger counter, int target) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (counter.get() < target) {
                requireAlive();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + counter.get() + " refreshes\n" + console());
                }
                Thread.sleep(100);
            }
        }

        /**
         * CPU time the process used so far (user + system, all threads): the work done to get ready, which a loaded
         * machine stretches in wall time far more than in CPU time.
         */
        long cpuMillis() throws IOException {
            String stat = Files.readString(Paths.get("/proc", Long.toString(process.pid()), "stat"));
            // the fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
            return ticks * 1000 / CLOCK_TICKS;
        }

        long rssKb() throws IOException {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IllegalStateException("no VmRSS");
        }

        void requireAlive() {
            if (!process.isAlive()) {
                throw new IllegalStateException("ended with " + process.exitValue() + "\n" + console());
            }
        }

        String console() {
            try {
                return Files.readString(work.resolve("console.log"), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(no console: " + e + ")";
            }
        }

        /** SIGTERM: the launcher stops the framework (and a training run writes its class-data archive). */
        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            deleteTree(work);
        }
    }

    /** A connection refused, as a status the polling loops treat as "not yet". */
    private static final class Refused implements HttpResponse<String> {
        public int statusCode() { return 0; }
        public HttpRequest request() { return null; }
        public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
        public java.net.http.HttpHeaders headers() { return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true); }
        public String body() { return ""; }
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return java.util.Optional.empty(); }
        public URI uri() { return null; }
        public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
    }

    // ------------------------------------------------------------------------------------------------ auth server

    /**
     * A device-flow authorization server on loopback that approves at once and issues access tokens living 1 s,
     * so the token service renews each slot's token by itself about every 0.75 s (three quarters of its life).
     */
    private static final class AuthServer implements AutoCloseable {
        final AtomicInteger refreshes = new AtomicInteger();
        private final HttpServer server;
        private final Map<String, String> deviceCodes = new HashMap<>();

        AuthServer() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/device", x -> answer(x, 200, "{\"device_code\":\"" + UUID.randomUUID()
                    + "\",\"user_code\":\"BNCH-CODE\",\"verification_uri\":\"https://login.bench.test/device\","
                    + "\"expires_in\":300,\"interval\":1}"));
            server.createContext("/token", x -> {
                String form = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                if (form.contains("grant_type=refresh_token")) {
                    refreshes.incrementAndGet();
                }
                answer(x, 200, "{\"access_token\":\"at-" + UUID.randomUUID() + "\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":1,\"refresh_token\":\"rt-" + UUID.randomUUID() + "\"}");
            });
            server.createContext("/revoke", x -> answer(x, 200, "{}"));
            server.start();
        }

        private static void answer(com.sun.net.httpserver.HttpExchange x, int status, String json) throws IOException {
            try (InputStream in = x.getRequestBody()) {
                in.readAllBytes();
            }
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(status, body.length);
            x.getResponseBody().write(body);
            x.close();
        }

        /** The generic provider {@code bench} pointed at this server, as a file for the watched folder. */
        Map<String, String> configuration() {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            return Map.of("io.mfpoauth.provider.oidc-bench.cfg", "provider.id=bench\nname=Bench\nflow=device_code\n"
                    + "clientId=bench\ntokenEndpoint=" + base + "/token\ndeviceAuthorizationEndpoint=" + base
                    + "/device\nrevocationEndpoint=" + base + "/revoke\nsmtpScopes=mail offline_access\n"
                    + "pop3Scopes=mail offline_access\nhosts=bench.test\n");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static List<String> flags(String spec) {
        return spec.isBlank() || spec.equals("-") ? List.of() : List.of(spec.trim().split("\\s+"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static long median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static long min(long[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    static long max(long[] v) {
        return Arrays.stream(v).max().orElse(0);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }
}
