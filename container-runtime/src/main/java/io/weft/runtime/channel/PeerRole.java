package io.weft.runtime.channel;

/**
 * Who a connection to the driver authenticated as. The role is part of the handshake and each role proves its
 * own secret, derived from the application secret ({@link ApplicationSecrets#forRole}): executors are given only
 * theirs, never the application secret, so an executor cannot claim to be the ApplicationMaster.
 */
public enum PeerRole {
    /** An executor: may register once and report on its own tasks. */
    EXECUTOR((byte) 'E'),
    /** The ApplicationMaster of a client-mode application: may only report why executors' containers ended. */
    APPLICATION_MASTER((byte) 'A'),
    /**
     * A program attached to a long-running session ({@code weft-session://}): may attach once, ship its jars and
     * make session requests for its own attachment; may not register an executor or report exits.
     */
    SESSION_CLIENT((byte) 'S');

    final byte code;

    PeerRole(byte code) {
        this.code = code;
    }

    static PeerRole of(byte code) {
        for (PeerRole role : values()) {
            if (role.code == code) {
                return role;
            }
        }
        return null;
    }
}
