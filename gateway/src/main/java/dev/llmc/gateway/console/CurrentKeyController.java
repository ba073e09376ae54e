package dev.llmc.gateway.console;

import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.auth.RequiresRole;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.RequestAttribute;

/**
 * {@code GET /me}: the calling key's id, owner and role, for any valid key. The console signs in with it and shows
 * the views the role may use; every call it then makes is checked by the API as any other client's.
 */
@Controller("/me")
@RequiresRole({Caller.Role.APP, Caller.Role.DEVELOPER, Caller.Role.DATA_SCIENTIST, Caller.Role.ADMIN})
final class CurrentKeyController {

    /** The caller as its key says. */
    record CurrentKey(String keyId, String owner, String role) {
    }

    @Get
    CurrentKey me(@RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        return new CurrentKey(caller.keyId(), caller.owner(), caller.role().wireName());
    }
}
