package io.mfpoauth.token.service.internal;

import java.io.IOException;

import javax.crypto.SecretKey;

import io.mfpoauth.token.service.internal.store.FileKeyProvider;
import io.mfpoauth.token.spi.KeyProvider;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The default device key: random, kept in {@code <data>/device.key}, readable only by the firmware's user. Its
 * low ranking lets a secure element's key provider take over simply by being installed.
 */
@Component(service = KeyProvider.class, property = Constants.SERVICE_RANKING + ":Integer=-1000")
public final class DeviceKeyComponent implements KeyProvider {
    private final FileKeyProvider file;

    @Activate
    public DeviceKeyComponent(BundleContext context) {
        file = new FileKeyProvider(TokenServiceComponent.dataFolder(context).resolve("device.key"));
    }

    @Override
    public SecretKey deviceKey() throws IOException {
        return file.deviceKey();
    }
}
