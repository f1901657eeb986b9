package io.weft.runtime.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual authentication with a per-application secret, before a single byte is deserialized. Challenge-response
 * with HMAC-SHA256, so the secret never crosses the wire:
 *
 * <ol>
 *   <li>server: {@code "WEFT1" || serverNonce(32)}</li>
 *   <li>client: {@code clientNonce(32) || HMAC(secret, "client" || serverNonce || clientNonce)}</li>
 *   <li>server checks, then: {@code HMAC(secret, "server" || clientNonce || serverNonce)}</li>
 *   <li>client checks.</li>
 * </ol>
 *
 * A peer that sends anything else, or a wrong proof, has its connection closed and is logged; nothing else is
 * affected. On success the handler replaces itself with the message pipeline ({@link #onAuthenticated}). Runs on
 * the channel's event loop.
 */
abstract class Handshake extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Handshake.class);
    private static final byte[] HELLO = "WEFT1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE = 32;
    private static final int PROOF = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] secret;
    private final byte[] ownNonce = new byte[NONCE];
    private byte[] peerNonce;

    Handshake(byte[] secret) {
        this.secret = secret.clone();
        RANDOM.nextBytes(ownNonce);
    }

    /** Called on the event loop once the peer has proven it knows the secret. */
    abstract void onAuthenticated(ChannelHandlerContext ctx);

    static byte[] hmac(byte[] secret, String role, byte[] first, byte[] second) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(role.getBytes(StandardCharsets.US_ASCII));
            mac.update(first);
            mac.update(second);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    void reject(ChannelHandlerContext ctx, String reason) {
        LOG.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.close();
    }

    static byte[] bytes(ByteBuf frame) {
        byte[] out = new byte[frame.readableBytes()];
        frame.readBytes(out);
        return out;
    }

    static ByteBuf buffer(byte[]... parts) {
        return Unpooled.wrappedBuffer(parts);
    }

    /** The driver's side. */
    abstract static class Server extends Handshake {
        private boolean done;

        Server(byte[] secret) {
            super(secret);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(buffer(HELLO, super.ownNonce));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                if (done) {
                    ctx.fireChannelRead(frame.retain());
                    return;
                }
                byte[] reply = bytes(frame);
                if (reply.length != NONCE + PROOF) {
                    reject(ctx, "malformed authentication reply (" + reply.length + " bytes)");
                    return;
                }
                byte[] clientNonce = java.util.Arrays.copyOfRange(reply, 0, NONCE);
                byte[] proof = java.util.Arrays.copyOfRange(reply, NONCE, NONCE + PROOF);
                if (!MessageDigest.isEqual(proof, hmac(super.secret, "client", super.ownNonce, clientNonce))) {
                    reject(ctx, "authentication failed (wrong secret)");
                    return;
                }
                done = true;
                ctx.writeAndFlush(buffer(hmac(super.secret, "server", clientNonce, super.ownNonce)));
                onAuthenticated(ctx);
            } finally {
                frame.release();
            }
        }
    }

    /** The executor's side. */
    abstract static class Client extends Handshake {
        private int step;

        Client(byte[] secret) {
            super(secret);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                byte[] data = bytes(frame);
                if (step == 0) {
                    if (data.length != HELLO.length + NONCE
                            || !java.util.Arrays.equals(java.util.Arrays.copyOf(data, HELLO.length), HELLO)) {
                        reject(ctx, "the server is not a Weft driver");
                        return;
                    }
                    super.peerNonce = java.util.Arrays.copyOfRange(data, HELLO.length, data.length);
                    step = 1;
                    ctx.writeAndFlush(buffer(super.ownNonce,
                            hmac(super.secret, "client", super.peerNonce, super.ownNonce)));
                } else if (step == 1) {
                    if (!MessageDigest.isEqual(data, hmac(super.secret, "server", super.ownNonce, super.peerNonce))) {
                        reject(ctx, "the driver failed authentication");
                        return;
                    }
                    step = 2;
                    onAuthenticated(ctx);
                } else {
                    ctx.fireChannelRead(Unpooled.wrappedBuffer(data));
                }
            } finally {
                frame.release();
            }
        }
    }
}
