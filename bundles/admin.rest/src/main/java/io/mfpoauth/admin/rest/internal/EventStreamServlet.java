package io.mfpoauth.admin.rest.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;
import org.osgi.service.event.propertytypes.EventTopics;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import io.mfpoauth.token.TokenEvents;
import io.mfpoauth.token.TokenStatus;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /api/v1/events}: a {@code text/event-stream} with {@code event: token} and the {@code TokenStatus} as
 * {@code data} at every change of a slot, and a comment line every 25 seconds. It is also the EventAdmin handler of
 * the token topic that feeds the streams. One timer thread, shared by all streams, writes them; it stops, and every
 * stream ends, when the component stops.
 */
@Component(service = { Servlet.class, EventHandler.class }, configurationPid = AdminSecurity.PID)
@HttpWhiteboardServletPattern("/api/v1/events")
@HttpWhiteboardServletName("io.mfpoauth.admin.rest.events")
@HttpWhiteboardServletAsyncSupported
@EventTopics(TokenEvents.TOPIC)
public final class EventStreamServlet extends HttpServlet implements EventHandler {
    private static final long serialVersionUID = 1L;
    static final long KEEP_ALIVE_SECONDS = 25;
    private static final byte[] OPENED = ": ok\n\n".getBytes(StandardCharsets.UTF_8);

    private final transient AdminSecurity security;
    private final transient Logger logger;
    private final transient EventStreams streams;
    private final transient ScheduledExecutorService writer;
    private final transient Runnable sessionsEnded = this::dropSignedOut;

    @Activate
    public EventStreamServlet(AdminRestConfig config, @Reference AdminSecurity security,
            @Reference(service = LoggerFactory.class) Logger logger) {
        this.security = security;
        this.logger = logger;
        this.streams = new EventStreams(config.maxEventStreams());
        this.writer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "mfpoauth-admin-events");
            thread.setDaemon(true);
            return thread;
        });
        writer.scheduleAtFixedRate(streams::keepAlive, KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
        security.addSessionsEndedListener(sessionsEnded);
    }

    @Deactivate
    void deactivate() {
        security.removeSessionsEndedListener(sessionsEnded);
        streams.closeAll();
        writer.shutdownNow();
    }

    /** A log-out or password change ended sessions: their streams end now, on the writer thread. */
    private void dropSignedOut() {
        try {
            writer.execute(streams::dropSignedOut);
        } catch (RejectedExecutionException e) {
            // Stopping: every stream is closed anyway.
        }
    }

    /** Called by EventAdmin: queues the status on every stream and returns at once. */
    @Override
    public void handleEvent(Event event) {
        if (event.getProperty(TokenEvents.STATUS) instanceof TokenStatus status) {
            streams.broadcast(EventStreams.tokenFrame(status));
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AdminSecurity.Admin admin;
        try {
            admin = security.authenticate(Credentials.of(request));
            if (!"GET".equals(request.getMethod())) {
                throw ApiException.of(405, "method_not_allowed", null).header("Allow", "GET");
            }
            if (!streams.reserve()) {
                throw ApiException.unavailable("Too many event streams are open; close one and try again")
                        .header("Retry-After", Long.toString(KEEP_ALIVE_SECONDS));
            }
        } catch (ApiException refusal) {
            Responses.write(response, refusal);
            return;
        }
        EventStream stream = null;
        try {
            response.setStatus(200);
            response.setHeader("Cache-Control", "no-store");
            response.setContentType("text/event-stream; charset=utf-8");
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            stream = new EventStream(async, response.getOutputStream(), writer, () -> security.stillSignedIn(admin),
                    streams::remove);
            if (!streams.open(stream)) {
                // The component stopped while this request was starting: end it rather than outlive it.
                stream.close();
                return;
            }
            stream.start();
            stream.offer(OPENED);
        } catch (IOException | RuntimeException e) {
            if (stream == null) {
                streams.cancel();
            } else {
                stream.close();
            }
            logger.warn("An event stream could not start: {}", e.toString());
            throw e;
        }
    }
}
