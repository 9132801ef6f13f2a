package io.mfpoauth.bench.flows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code Main <results folder> <measure>...}: runs the named measures (P5, P6, P7, P8) one after the other. P6 reads
 * the test servers' property files named by {@code -Dmfpoauth.keycloak.props} and {@code -Dmfpoauth.mailserver.props};
 * P7 the exported firmware in {@code -Dmfpoauth.export} (features/target).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        List<String> measures = Arrays.asList(args).subList(1, args.length);
        for (String measure : measures) {
            switch (measure) {
                case "P5" -> ConcurrentRefresh.run(results);
                case "P6" -> MailThroughput.run(results);
                case "P7" -> ProviderInstall.run(results);
                case "P8" -> DevicePolls.run(results);
                default -> throw new IllegalArgumentException("unknown measure " + measure);
            }
        }
    }
}
