package io.weft.runtime.executor;

import io.weft.runtime.files.ShippedFile;
import java.util.List;
import java.util.Objects;

/**
 * The class-loader scope a stage was serialized in, as its binary carries it: the scope's id and the jars its
 * tasks load classes from (published by the driver, fetched by each executor into a directory of the scope).
 *
 * @param id the scope's id, unique within the application while the scope is open
 * @param jars the scope's jars, in class-path order
 */
public record StageScope(String id, List<ShippedFile> jars) {

    /**
     * @param id the scope's id
     * @param jars the scope's jars
     */
    public StageScope {
        Objects.requireNonNull(id, "id");
        jars = List.copyOf(jars);
    }

    /**
     * @param id a scope's id
     * @return a directory name for it: its safe characters, and a hash so two ids never share one
     */
    public static String directoryName(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + Integer.toHexString(id.hashCode());
    }
}
