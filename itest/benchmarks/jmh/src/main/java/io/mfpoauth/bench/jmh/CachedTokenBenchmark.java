package io.mfpoauth.bench.jmh;

import java.io.IOException;
import java.net.MalformedURLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.microsoft.aad.msal4j.IAccount;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.PublicClientApplication;
import com.microsoft.aad.msal4j.SilentParameters;

import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.service.internal.EngineSettings;
import io.mfpoauth.token.service.internal.Log;
import io.mfpoauth.token.service.internal.TaskScheduler;
import io.mfpoauth.token.service.internal.Ticker;
import io.mfpoauth.token.service.internal.TokenEngine;
import io.mfpoauth.token.service.internal.http.HttpSettings;
import io.mfpoauth.token.service.internal.http.JdkOAuthHttp;
import io.mfpoauth.token.service.internal.store.EncryptedFileStore;
import io.mfpoauth.token.service.internal.store.FileKeyProvider;
import io.mfpoauth.token.service.internal.store.TokenRecord;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * P4: handing out a cached, valid access token. Both sides hold a token that is valid for an hour, so neither
 * may touch the network: ours is the engine's {@code accessToken(slot)} on a slot loaded from its encrypted store
 * at {@code open()}, as after a restart; MSAL4J's is {@code acquireTokenSilently} on an account whose access token
 * sits in its cache (deserialized once, as an app with a persisted cache does at start). Neither may reach the
 * network, or the cached path would not be what is compared: MSAL4J's HTTP client counts and refuses requests
 * ({@link #checkNoNetwork} fails the run on any), and our provider's authority is a closed loopback port.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xmx256m"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class CachedTokenBenchmark {
    static final String CLIENT_ID = "3f1b2c4d-0000-4000-8000-00000000b004";
    static final String TENANT = "contoso.example";
    static final String SCOPE = "https://outlook.office.com/SMTP.Send";
    static final String ACCOUNT = "scanner@contoso.example";

    private Path folder;
    private ScheduledThreadPoolExecutor timers;
    private JdkOAuthHttp http;
    private EncryptedFileStore store;
    private TokenEngine engine;
    private final Slot slot = Slot.smtp();

    private PublicClientApplication msal;
    private SilentParameters silent;
    private final RefusingMsalHttp msalHttp = new RefusingMsalHttp();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        setUpEngine();
        setUpMsal();
        // Both must answer from their caches before anything is measured.
        if (ours() == null || msal() == null) {
            throw new IllegalStateException("no cached token");
        }
    }

    private void setUpEngine() throws IOException {
        folder = Files.createTempDirectory("p4-store");
        FileKeyProvider keys = new FileKeyProvider(folder.resolve("device.key"));
        long now = System.currentTimeMillis();
        try (EncryptedFileStore writer = new EncryptedFileStore(folder.resolve("tokens"), keys)) {
            writer.save(new TokenRecord(slot.name(), "microsoft", ACCOUNT, "refresh-" + now, "access-" + now,
                    now + TimeUnit.HOURS.toMillis(1), now, SCOPE + " offline_access", false, null, null));
        }
        timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "p4-timer");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        http = new JdkOAuthHttp(HttpSettings.defaults());
        store = new EncryptedFileStore(folder.resolve("tokens"), keys);
        TaskScheduler scheduler = (work, delayNanos) -> {
            var f = timers.schedule(work, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
        engine = new TokenEngine(EngineSettings.defaults(), store, http, Ticker.SYSTEM, scheduler, status -> {
        }, Log.NONE);
        engine.open();
        engine.addProvider(MicrosoftLocal.provider("http://127.0.0.1:9/"), "bench");
    }

    private void setUpMsal() throws MalformedURLException {
        msal = PublicClientApplication.builder(CLIENT_ID)
                .authority("https://login.microsoftonline.com/" + TENANT + "/")
                // no instance discovery: the cached path must not depend on a metadata request (there is no
                // network here; the counting client below would see it)
                .instanceDiscovery(false)
                .httpClient(msalHttp)
                .build();
        long nowSeconds = System.currentTimeMillis() / 1000;
        msal.tokenCache().deserialize(MsalCache.json(CLIENT_ID, TENANT, ACCOUNT, SCOPE, nowSeconds, 3600));
        Set<IAccount> accounts = msal.getAccounts().join();
        if (accounts.size() != 1) {
            throw new IllegalStateException("MSAL cache holds " + accounts.size() + " accounts");
        }
        silent = SilentParameters.builder(Set.of(SCOPE), accounts.iterator().next()).build();
    }

    @Benchmark
    public AccessToken ours() throws TokenException {
        return engine.accessToken(slot);
    }

    /** What ours cannot go below: its one clock read (the token's deadline is checked on the monotonic clock). */
    @Benchmark
    public long clockFloor() {
        return System.nanoTime();
    }

    @Benchmark
    public IAuthenticationResult msal() throws Exception {
        return msal.acquireTokenSilently(silent).get();
    }

    @TearDown(Level.Iteration)
    public void checkNoNetwork() {
        if (msalHttp.requests.get() != 0) {
            throw new IllegalStateException("MSAL4J made " + msalHttp.requests.get() + " HTTP requests");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        engine.close();
        store.close();
        http.close();
        timers.shutdownNow();
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** MSAL4J's HTTP client for this benchmark: any request is counted and refused. */
    static final class RefusingMsalHttp implements com.microsoft.aad.msal4j.IHttpClient {
        final AtomicInteger requests = new AtomicInteger();

        @Override
        public com.microsoft.aad.msal4j.IHttpResponse send(com.microsoft.aad.msal4j.HttpRequest request)
                throws IOException {
            requests.incrementAndGet();
            throw new IOException("no network in this benchmark: " + request.httpMethod() + " " + request.url());
        }
    }
}
