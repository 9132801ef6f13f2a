package io.mfpoauth.admin.rest.internal;

import java.io.IOException;

/** Serves one route. */
@FunctionalInterface
interface Handler {
    Reply handle(Call call) throws ApiException, IOException;
}
