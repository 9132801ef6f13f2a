package io.mfpoauth.admin.rest.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import io.mfpoauth.mail.MailArchive;
import io.mfpoauth.mail.MailSender;
import io.mfpoauth.mail.MailSettings;
import io.mfpoauth.mail.PopMailbox;
import io.mfpoauth.mail.PopSettings;
import io.mfpoauth.token.TokenService;
import io.mfpoauth.update.UpdateAgent;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The admin REST API v1 ({@code /api/v1/*}, but the event stream): finds the route, lets only the administrator
 * through (but to the sign-in), and answers 404 for an unknown path and 405 for a wrong method. The mail and update
 * services come and go with their features without restarting it; an endpoint that needs a missing one answers 503.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/v1/*")
@HttpWhiteboardServletName("io.mfpoauth.admin.rest.api")
public final class ApiServlet extends HttpServlet implements Backends {
    private static final long serialVersionUID = 1L;

    private final transient AdminSecurity security;
    private final transient TokenService tokens;
    private final transient ConfigurationAdmin configurationAdmin;
    private final transient Logger logger;
    private final transient Path temporaryFolder;
    private final transient Router<Handler> router = new Router<>();
    private final transient Map<String, PopMailbox> mailboxes = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile MailSettings mailSettings;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile MailSender mailSender;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile MailArchive mailArchive;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile UpdateAgent updateAgent;

    @Activate
    public ApiServlet(BundleContext context, @Reference AdminSecurity security, @Reference TokenService tokens,
            @Reference ConfigurationAdmin configurationAdmin, @Reference(service = LoggerFactory.class) Logger logger) {
        this.security = security;
        this.tokens = tokens;
        this.configurationAdmin = configurationAdmin;
        this.logger = logger;
        this.temporaryFolder = DataFolder.admin(context).resolve("tmp");
        emptyTemporaryFolder();
        new SessionApi(security).routes(router);
        new TokenApi(this).routes(router);
        new SettingsApi(this).routes(router);
        new ProviderApi(this).routes(router);
        new MailApi(this).routes(router);
        new FeatureApi(this).routes(router);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindMailbox(PopMailbox mailbox, Map<String, Object> properties) {
        if (properties.get(PopSettings.ID_PROPERTY) instanceof String id) {
            mailboxes.put(id, mailbox);
        }
    }

    void unbindMailbox(PopMailbox mailbox, Map<String, Object> properties) {
        if (properties.get(PopSettings.ID_PROPERTY) instanceof String id) {
            mailboxes.remove(id, mailbox);
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Credentials credentials = Credentials.of(request);
        Router.Match<Handler> match = router.match(request.getMethod(), request.getPathInfo());
        try {
            // Authentication comes first, so an unknown path or method tells nothing to a stranger.
            AdminSecurity.Admin admin = match.open() ? null : security.authenticate(credentials);
            if (match.handler() == null) {
                throw match.unknownPath() ? ApiException.notFound()
                        : ApiException.of(405, "method_not_allowed", null).header("Allow",
                                String.join(", ", match.allowed()));
            }
            Responses.write(response, match.handler().handle(new Call(request, match.parameters(), credentials, admin)));
        } catch (ApiException refusal) {
            if (hasBody(request)) {
                // Refused before its body was read: the server drops the connection rather than read a stranger's
                // body, so say so, or a client would send its next request on a connection that is gone.
                response.setHeader("Connection", "close");
            }
            Responses.write(response, refusal);
        } catch (EOFException truncated) {
            // The client ended its body before the length it declared (or went away): its fault, not the
            // device's, so a 400 rather than a 500, and no error in the log that any client could fill.
            if (!response.isCommitted()) {
                response.resetBuffer();
                response.setHeader("Connection", "close");
                Responses.write(response, ApiException.badRequest(null, "The body ended before its declared length"));
            }
        } catch (Throwable e) {
            // An Error too (an OutOfMemoryError of one request): the client still gets the JSON 500 with the
            // security headers rather than the container's error page.
            logger.error("{} {} failed: {}", request.getMethod(), request.getRequestURI(), e.toString(), e);
            if (!response.isCommitted()) {
                response.resetBuffer(); // not reset(): the security headers stay
                Responses.write(response, ApiException.of(500, "internal", "The request failed on the device"));
            }
        }
    }

    /** Whether the client sends a body: a length over 0 (-1 is "none declared"), or a chunked one. */
    static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    @Override
    public TokenService tokens() {
        return tokens;
    }

    @Override
    public ConfigurationAdmin configurationAdmin() {
        return configurationAdmin;
    }

    @Override
    public MailSettings mailSettings() throws ApiException {
        return present(mailSettings, "The mail settings service is not installed");
    }

    @Override
    public MailSender mailSender() throws ApiException {
        return present(mailSender, "The mail sending service is not installed");
    }

    @Override
    public MailArchive mailArchive() throws ApiException {
        return present(mailArchive, "The mail archive is not installed");
    }

    @Override
    public PopMailbox mailbox(String popId) {
        return mailboxes.get(popId);
    }

    @Override
    public UpdateAgent updateAgent() throws ApiException {
        return present(updateAgent, "The update agent is not installed");
    }

    @Override
    public Path temporaryFolder() {
        return temporaryFolder;
    }

    private static <S> S present(S service, String missing) throws ApiException {
        if (service == null) {
            throw ApiException.unavailable(missing);
        }
        return service;
    }

    /** Bodies left behind by a stop in the middle of a request. */
    private void emptyTemporaryFolder() {
        if (!Files.isDirectory(temporaryFolder)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(temporaryFolder, "*.tmp")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            logger.warn("Could not empty {}: {}", temporaryFolder, e.toString());
        }
    }
}
