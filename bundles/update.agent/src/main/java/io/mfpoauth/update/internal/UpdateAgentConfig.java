package io.mfpoauth.update.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The update agent's settings (PID {@code io.mfpoauth.update.agent}): limits that make a hostile or broken archive
 * fail fast instead of filling the device's memory or flash. Every one has a working default.
 */
@ObjectClassDefinition(name = "mfp-oauth update agent",
        description = "Limits for firmware-update archives (feature archives) and how long the agent waits for the framework.")
public @interface UpdateAgentConfig {

    @AttributeDefinition(name = "Largest archive (MiB)", description = "Size of the zip file itself.", min = "1")
    int maxArchiveMegabytes() default 64;

    @AttributeDefinition(name = "Most entries", description = "Entries (files and folders) an archive may hold.", min = "2")
    int maxEntries() default 200;

    @AttributeDefinition(name = "Largest bundle (MiB)", description = "Uncompressed size of one bundle in an archive.", min = "1")
    int maxBundleMegabytes() default 32;

    @AttributeDefinition(name = "Largest content (MiB)", description = "Uncompressed size of everything in an archive.", min = "1")
    int maxTotalMegabytes() default 128;

    @AttributeDefinition(name = "Largest feature.json (KiB)", min = "1")
    int maxDescriptorKilobytes() default 256;

    @AttributeDefinition(name = "Framework timeout (seconds)",
            description = "Longest wait for the framework to refresh the bundles a feature installed or removed.", min = "1")
    int timeoutSeconds() default 60;
}
