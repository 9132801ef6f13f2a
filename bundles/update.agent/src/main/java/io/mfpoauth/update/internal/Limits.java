package io.mfpoauth.update.internal;

/** How large an archive and its content may be; reading stops, and the archive is refused, past any of these. */
record Limits(long maxArchiveBytes, int maxEntries, long maxBundleBytes, long maxTotalBytes, int maxDescriptorBytes) {

    private static final long MIB = 1024L * 1024L;

    static final Limits DEFAULT = new Limits(64 * MIB, 200, 32 * MIB, 128 * MIB, 256 * 1024);

    static Limits of(UpdateAgentConfig config) {
        return new Limits(config.maxArchiveMegabytes() * MIB, config.maxEntries(), config.maxBundleMegabytes() * MIB,
                config.maxTotalMegabytes() * MIB, config.maxDescriptorKilobytes() * 1024);
    }

    /** A size for a message: "12.3 MiB" or "512 KiB" or "17 bytes". */
    static String describe(long bytes) {
        if (bytes >= MIB) {
            return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
        }
        if (bytes >= 1024) {
            return (bytes / 1024) + " KiB";
        }
        return bytes + " bytes";
    }
}
