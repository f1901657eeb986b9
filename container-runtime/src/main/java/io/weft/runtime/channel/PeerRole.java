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
    APPLICATION_MASTER((byte) 'A');

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
