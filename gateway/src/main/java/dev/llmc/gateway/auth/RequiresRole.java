package dev.llmc.gateway.auth;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The roles allowed to call a controller (on the class) or one endpoint (on a method, which then wins); admins
 * are always allowed. {@link ApiKeyFilter} answers 403 to any other role before the endpoint runs. An endpoint
 * without this annotation on its method or class is admin-only, so a forgotten annotation fails closed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresRole {
    Caller.Role[] value();
}
