package io.mfpoauth.admin.webpage.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardResource;

/**
 * Publishes the page's scripts and style sheet ({@code /webpage/static/} in this bundle) at {@code /static/*}
 * through the servlet whiteboard's resource support: the whiteboard serves them from this bundle with their
 * content type and {@code Last-Modified}, so no code of ours reads files.
 * <p>
 * The pattern is a folder, not {@code /*}: a catch-all would also answer every mistyped {@code /api/...} address
 * with a resource lookup. The security headers come from the admin REST bundle's filter, which covers every answer.
 */
@Component(service = WebpageResources.class)
@HttpWhiteboardResource(pattern = WebpageResources.PATTERN, prefix = WebpageResources.PREFIX)
public final class WebpageResources {

    /** Where the browser finds the scripts and the style sheet. */
    static final String PATTERN = "/static/*";

    /** Where they are in this bundle: the whiteboard replaces {@code /static} of the request path with this. */
    static final String PREFIX = "/webpage/static";
}
