package io.mfpoauth.admin.rest.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The REST API's settings (PID {@value AdminSecurity#PID}), read by the session keeper and the event stream alike.
 * Every one has a working default; none is a secret (the password lives in its own file, hashed).
 */
@ObjectClassDefinition(name = "mfp-oauth admin REST API",
        description = "Sessions and live event streams of the administrator's web page and REST API.")
public @interface AdminRestConfig {

    @AttributeDefinition(name = "Session idle time (minutes)",
            description = "A browser session ends after this long without a request.", min = "1", max = "1440")
    int sessionIdleMinutes() default 30;

    @AttributeDefinition(name = "Most sessions",
            description = "Sessions kept at once; a new sign-in beyond this ends the one idle the longest.",
            min = "1", max = "256")
    int maxSessions() default 16;

    @AttributeDefinition(name = "Most event streams",
            description = "Event streams (GET /api/v1/events) open at once; one more is answered 503.", min = "1",
            max = "64")
    int maxEventStreams() default 8;
}
