package io.weft.planner;

import java.io.Serializable;

/**
 * A stage's serialized lineage and function, made once per stage and shared by all its tasks. Backends send the
 * bytes to each executor at most once per id.
 *
 * @param id unique within the application
 * @param bytes the serialized stage
 */
public record StageBinary(long id, byte[] bytes) implements Serializable {
}
