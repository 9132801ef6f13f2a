package io.mfpoauth.token.spi;

import static java.lang.annotation.ElementType.PACKAGE;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Requirement;

/**
 * Put on a provider class: its bundle then resolves only where the token service is installed, so a firmware
 * update that ships a provider without the token core fails at install time instead of registering a provider
 * nobody uses.
 */
@Requirement(namespace = RequireTokenService.NAMESPACE, name = RequireTokenService.NAME,
        version = RequireTokenService.VERSION)
@Retention(CLASS)
@Target({TYPE, PACKAGE})
public @interface RequireTokenService {
    /** The OSGi implementation namespace. */
    String NAMESPACE = "osgi.implementation";
    /** The capability the token service bundle provides. */
    String NAME = "io.mfpoauth.token";
    /** The specification version: the API package's major version. */
    String VERSION = "1.0.0";
}
