package io.mfpoauth.admin.rest.internal;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.servlet.http.HttpServletRequest;

/**
 * One request on its way to its handler: the servlet request, the path's variables, what it presented and who it is
 * (null only for the open sign-in route).
 */
record Call(HttpServletRequest request, Map<String, String> parameters, Credentials credentials,
        AdminSecurity.Admin admin) {

    /** A variable of the path, e.g. {@code slot} of {@code /tokens/{slot}}. */
    String parameter(String name) {
        return parameters.get(name);
    }

    /** The JSON object in the body: 415 when not JSON, 413 over 64 KiB, 400 when it does not parse. */
    ObjectNode json() throws ApiException, IOException {
        return json(Bodies.JSON_LIMIT);
    }

    /** The same with a smaller cap (the routes anybody may call: their bodies are tiny). */
    ObjectNode json(long limit) throws ApiException, IOException {
        Bodies.requireType(request.getContentType(), Bodies.JSON);
        return Json.parseObject(Bodies.read(request.getInputStream(), request.getContentLengthLong(), limit));
    }
}
