/**
 * The provider SPI: what a provider bundle (Microsoft, Google, a generic authorization server) implements and
 * registers as a service, and the key-provider service that supplies the device key for the token store.
 * Types here are implemented by other bundles ({@code @ConsumerType}): adding a method is a major change.
 */
@Export
@Version("1.0.0")
package io.mfpoauth.token.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
