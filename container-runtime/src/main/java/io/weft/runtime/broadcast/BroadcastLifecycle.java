package io.weft.runtime.broadcast;

/** What the driver does when a {@link FileBroadcast} is unpersisted or destroyed. Called on the user's thread. */
public interface BroadcastLifecycle {

    /**
     * Drops the executors' copies.
     *
     * @param id the broadcast
     */
    void unpersist(long id);

    /**
     * Drops the executors' copies and deletes the value's file.
     *
     * @param id the broadcast
     * @param path its file
     */
    void destroy(long id, String path);
}
