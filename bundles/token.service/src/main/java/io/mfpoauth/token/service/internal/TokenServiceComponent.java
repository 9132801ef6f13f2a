package io.mfpoauth.token.service.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.mfpoauth.token.AccessToken;
import io.mfpoauth.token.ProviderDTO;
import io.mfpoauth.token.Slot;
import io.mfpoauth.token.TokenEvents;
import io.mfpoauth.token.TokenException;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.token.TokenStatus;
import io.mfpoauth.token.service.internal.http.HttpSettings;
import io.mfpoauth.token.service.internal.http.JdkOAuthHttp;
import io.mfpoauth.token.service.internal.store.DataFolderLock;
import io.mfpoauth.token.service.internal.store.EncryptedFileStore;
import io.mfpoauth.token.spi.KeyProvider;
import io.mfpoauth.token.spi.OAuthProvider;
import io.mfpoauth.token.spi.RequireTokenService;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The token service: wires the engine to the framework. Providers are a dynamic reference, so installing or
 * removing a provider bundle never restarts this component (or anything bound to it).
 */
// The capability provider bundles require (RequireTokenService), so they resolve only next to this service.
@Capability(namespace = RequireTokenService.NAMESPACE, name = RequireTokenService.NAME,
        version = RequireTokenService.VERSION)
// Immediate: tokens are renewed on their timers whether or not anybody holds the service right now.
@Component(service = TokenService.class, configurationPid = "io.mfpoauth.token.service", immediate = true)
@Designate(ocd = TokenServiceConfig.class)
public final class TokenServiceComponent implements TokenService {

    /** Framework property naming the data folder (token store, device key). */
    public static final String DATA_PROPERTY = "mfpoauth.data";
    /** Framework property: when true, a data folder locked by another firmware stops this framework. */
    public static final String EXIT_IF_LOCKED_PROPERTY = "mfpoauth.exitIfDataLocked";

    private final DataFolderLock lock;
    private final ExecutorScheduler scheduler;
    private final JdkOAuthHttp http;
    private final EncryptedFileStore store;
    private final TokenEngine engine;

    @Activate
    public TokenServiceComponent(TokenServiceConfig config, BundleContext context,
            @Reference EventAdmin events,
            @Reference(policyOption = ReferencePolicyOption.GREEDY) KeyProvider keys,
            @Reference(service = LoggerFactory.class) Logger logger) {
        Path data = dataFolder(context);
        try {
            lock = DataFolderLock.acquire(data);
        } catch (IOException e) {
            refuse(context, logger, e.getMessage());
            throw new IllegalStateException(e.getMessage(), e);
        }
        try {
            store = new EncryptedFileStore(data.resolve("tokens"), keys);
        } catch (IOException e) {
            lock.close();
            logger.error("The token store cannot be opened: " + e.getMessage());
            throw new IllegalStateException("The token store cannot be opened: " + e.getMessage(), e);
        }
        scheduler = new ExecutorScheduler(2, "mfpoauth-token-");
        http = new JdkOAuthHttp(new HttpSettings(Duration.ofSeconds(config.connectTimeoutSeconds()),
                Duration.ofSeconds(config.requestTimeoutSeconds()), config.maxResponseKilobytes() * 1024,
                config.proxyHost(), config.proxyPort()));
        EngineSettings settings = new EngineSettings(Duration.ofSeconds(config.refreshMarginSeconds()),
                Duration.ofSeconds(config.retryMinSeconds()), Duration.ofSeconds(config.retryMaxSeconds()),
                Duration.ofMinutes(config.browserFlowMinutes()), config.redirectPort(),
                Duration.ofSeconds(config.requestTimeoutSeconds() * 2L));
        engine = new TokenEngine(settings, store, http, Ticker.SYSTEM, scheduler, status -> post(events, status),
                new OsgiLog(logger));
    }

    /** Runs after DS has bound the providers present at start, so stored slots find theirs at once. */
    @Activate
    void activate() {
        engine.open();
    }

    @Deactivate
    void deactivate() {
        engine.close();
        scheduler.close();
        http.close();
        store.close();
        lock.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addProvider(OAuthProvider provider, ServiceReference<OAuthProvider> ref) {
        engine.addProvider(provider, ref.getBundle() == null ? null : ref.getBundle().getSymbolicName());
    }

    void removeProvider(OAuthProvider provider) {
        engine.removeProvider(provider);
    }

    static Path dataFolder(BundleContext context) {
        String configured = context.getProperty(DATA_PROPERTY);
        return Path.of(configured == null || configured.isBlank() ? "data" : configured).toAbsolutePath();
    }

    /**
     * A second firmware on the same data folder would corrupt the store: say so where the operator looks, and
     * stop this framework when the image asks for it (the launcher then exits).
     */
    private static void refuse(BundleContext context, Logger logger, String message) {
        logger.error(message);
        System.err.println("mfp-oauth: " + message);
        if (Boolean.parseBoolean(context.getProperty(EXIT_IF_LOCKED_PROPERTY))) {
            Thread stopper = new Thread(() -> {
                try {
                    context.getBundle(0).stop();
                } catch (BundleException | IllegalStateException e) {
                    System.err.println("mfp-oauth: could not stop the framework: " + e);
                }
            }, "mfpoauth-refuse-start");
            stopper.start();
        }
    }

    private static void post(EventAdmin events, TokenStatus status) {
        Map<String, Object> props = new HashMap<>();
        props.put(TokenEvents.SLOT, status.slot);
        props.put(TokenEvents.STATE, status.state.name());
        if (status.provider != null) {
            props.put(TokenEvents.PROVIDER, status.provider);
        }
        if (status.account != null) {
            props.put(TokenEvents.ACCOUNT, status.account);
        }
        if (status.error != null) {
            props.put(TokenEvents.ERROR_CODE, status.error.code);
        }
        props.put(TokenEvents.STATUS, status);
        events.postEvent(new Event(TokenEvents.TOPIC, props));
    }

    @Override
    public TokenStatus status(Slot slot) {
        return engine.status(slot);
    }

    @Override
    public List<TokenStatus> statuses() {
        return engine.statuses();
    }

    @Override
    public List<ProviderDTO> providers() {
        return engine.providers();
    }

    @Override
    public String proposeProvider(String mailServerHost) {
        return engine.proposeProvider(mailServerHost);
    }

    @Override
    public TokenStatus startRetrieval(Slot slot, String providerId, String account) throws TokenException {
        return engine.startRetrieval(slot, providerId, account);
    }

    @Override
    public TokenStatus completeRetrieval(Slot slot, String redirectUrl) throws TokenException {
        return engine.completeRetrieval(slot, redirectUrl);
    }

    @Override
    public TokenStatus cancelRetrieval(Slot slot) {
        return engine.cancelRetrieval(slot);
    }

    @Override
    public TokenStatus delete(Slot slot) {
        return engine.delete(slot);
    }

    @Override
    public AccessToken accessToken(Slot slot) throws TokenException {
        return engine.accessToken(slot);
    }

    @Override
    public AccessToken rejected(AccessToken rejected) throws TokenException {
        return engine.rejected(rejected);
    }

    /** The engine's log calls on the OSGi Logger. */
    private record OsgiLog(Logger logger) implements Log {
        @Override
        public void info(String message) {
            logger.info(message);
        }

        @Override
        public void warn(String message, Throwable cause) {
            if (cause == null) {
                logger.warn(message);
            } else {
                logger.warn(message + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            }
        }

        @Override
        public void debug(String message) {
            logger.debug(message);
        }
    }
}
