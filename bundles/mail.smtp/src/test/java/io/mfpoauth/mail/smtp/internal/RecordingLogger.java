package io.mfpoauth.mail.smtp.internal;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.osgi.service.log.Logger;

/** An OSGi Logger that keeps every line logged, so a test can look for secrets in them. */
final class RecordingLogger {
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
                if (method.getReturnType() == boolean.class) {
                    return true;
                }
                if (method.getReturnType() == String.class) {
                    return "test";
                }
                if (args != null) {
                    lines.add(method.getName() + " " + Arrays.deepToString(args));
                }
                return null;
            });
}
