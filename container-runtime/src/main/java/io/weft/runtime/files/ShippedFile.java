package io.weft.runtime.files;

import java.io.Serializable;

/**
 * A file or jar added to a running application ({@code WeftSession.addFile} / {@code addJar}), as the tasks of
 * later jobs see it.
 *
 * @param name its name in an executor's files directory (or jars directory)
 * @param uri the Hadoop URI of the driver's published copy, which executors fetch
 * @param timestamp when it was added, in whole seconds (ms); also the local copies' modification time, so an
 *     executor can tell a copy it already has
 * @param jar whether it goes on the task class loader rather than in the files directory
 */
public record ShippedFile(String name, String uri, long timestamp, boolean jar) implements Serializable {
}
