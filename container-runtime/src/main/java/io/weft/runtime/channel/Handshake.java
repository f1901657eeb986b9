package io.weft.runtime.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual authentication with a per-application secret, before a single byte is deserialized. Challenge-response
 * with HMAC-SHA256, so the secret never crosses the wire; {@code K} is the secret of the role the client claims
 * ({@link PeerRole}, {@link ApplicationSecrets#forRole}), {@code e} a byte that says whether that end encrypts:
 *
 * <ol>
 *   <li>server: {@code "WEFT2" || e_s || serverNonce(32)}</li>
 *   <li>client: {@code role || e_c || clientNonce(32) || HMAC(K, "client" || T)}</li>
 *   <li>server checks, then: {@code HMAC(K, "server" || T)}</li>
 *   <li>client checks.</li>
 * </ol>
 * where the transcript {@code T = "WEFT2" || e_s || role || e_c || serverNonce || clientNonce}, so neither the
 * role nor the encryption switches can be altered in transit without failing the proofs. When both ends encrypt,
 * {@link FrameCipher} is installed as soon as each end has checked the other, with keys derived from {@code K}
 * and both nonces; when their switches differ, both ends log the mismatch and the connection closes.
 *
 * <p>Until it succeeds, frames are limited to {@link Channels#HANDSHAKE_FRAME} bytes; on success the limit
 * becomes {@link Channels#MAX_FRAME}. A peer that sends anything else, a wrong proof, or (server side) does not
 * finish within the timeout has its connection closed and is logged; nothing else is affected. Runs on the
 * channel's event loop.
 */
abstract class Handshake extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Handshake.class);
    private static final byte[] HELLO = "WEFT2".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE = 32;
    private static final int PROOF = 32;
    /** Bytes of the server's greeting. */
    static final int GREETING = HELLO.length + 1 + NONCE;
    /** Bytes of the client's reply. */
    static final int REPLY = 2 + NONCE + PROOF;
    private static final SecureRandom RANDOM = new SecureRandom();

    final ChannelOptions options;
    final byte[] ownNonce = new byte[NONCE];

    Handshake(ChannelOptions options) {
        this.options = options;
        RANDOM.nextBytes(ownNonce);
    }

    static byte[] hmac(byte[] secret, String label, byte[] transcript) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            mac.update(transcript);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    static byte[] transcript(byte serverFlag, byte role, byte clientFlag, byte[] serverNonce, byte[] clientNonce) {
        byte[] t = new byte[HELLO.length + 3 + 2 * NONCE];
        System.arraycopy(HELLO, 0, t, 0, HELLO.length);
        t[HELLO.length] = serverFlag;
        t[HELLO.length + 1] = role;
        t[HELLO.length + 2] = clientFlag;
        System.arraycopy(serverNonce, 0, t, HELLO.length + 3, NONCE);
        System.arraycopy(clientNonce, 0, t, HELLO.length + 3 + NONCE, NONCE);
        return t;
    }

    static byte flag(boolean encrypt) {
        return (byte) (encrypt ? 1 : 0);
    }

    static String mismatch(String self, boolean selfEncrypts, String peer, boolean peerEncrypts) {
        return "encryption mismatch: " + peer + " has " + ChannelOptions.CRYPTO_PROPERTY + "=" + peerEncrypts
                + " but " + self + " has " + selfEncrypts + ". Fix: set the same value on both (executors and the"
                + " ApplicationMaster get the driver's value from their launcher as -D" + ChannelOptions.CRYPTO_PROPERTY
                + "=...)";
    }

    /** Installs encryption (if on) and raises the frame limit; the handshake's last step on either end. */
    void secure(ChannelHandlerContext ctx, byte[] secret, byte[] serverNonce, byte[] clientNonce, boolean server) {
        if (options.encrypt()) {
            byte[] salt = new byte[2 * NONCE];
            System.arraycopy(serverNonce, 0, salt, 0, NONCE);
            System.arraycopy(clientNonce, 0, salt, NONCE, NONCE);
            byte[] up = FrameCipher.deriveKey(secret, salt, FrameCipher.CLIENT_TO_SERVER);
            byte[] down = FrameCipher.deriveKey(secret, salt, FrameCipher.SERVER_TO_CLIENT);
            ctx.pipeline().addAfter("prepend", "crypto", server ? new FrameCipher(down, up) : new FrameCipher(up, down));
        }
        ((FrameDecoder) ctx.pipeline().get("frames")).maxFrame((int) (options.encrypt()
                ? FrameCipher.sealedLength(Channels.MAX_FRAME) : Channels.MAX_FRAME));
    }

    void reject(ChannelHandlerContext ctx, String reason) {
        LOG.warn("Closing connection with {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.close();
    }

    static byte[] bytes(ByteBuf frame) {
        byte[] out = new byte[frame.readableBytes()];
        frame.readBytes(out);
        return out;
    }

    /** The driver's side. */
    abstract static class Server extends Handshake {
        private final byte[] executorSecret;
        private final byte[] amSecret;
        private final byte[] sessionClientSecret;
        private final Runnable release;
        private boolean done;
        private boolean released;
        private ScheduledFuture<?> timeout;

        /**
         * @param applicationSecret the application secret, from which each role's secret is derived
         *     ({@link ApplicationSecrets#forRole})
         * @param options encryption and timeout
         * @param release called once when this connection stops counting as unauthenticated
         */
        Server(byte[] applicationSecret, ChannelOptions options, Runnable release) {
            super(options);
            this.executorSecret = ApplicationSecrets.forRole(applicationSecret, PeerRole.EXECUTOR);
            this.amSecret = ApplicationSecrets.forRole(applicationSecret, PeerRole.APPLICATION_MASTER);
            this.sessionClientSecret = ApplicationSecrets.forRole(applicationSecret, PeerRole.SESSION_CLIENT);
            this.release = release;
        }

        /** Called on the event loop once the peer has proven it holds its role's secret. */
        abstract void onAuthenticated(ChannelHandlerContext ctx, PeerRole role);

        private void release() {
            if (!released) {
                released = true;
                release.run();
            }
            if (timeout != null) {
                timeout.cancel(false);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            timeout = ctx.executor().schedule(() -> {
                if (!done) {
                    reject(ctx, "no authentication within " + options.authTimeoutMillis() + " ms ("
                            + io.weft.conf.NetworkConfigKeys.AUTH_TIMEOUT.name() + ")");
                }
            }, options.authTimeoutMillis(), TimeUnit.MILLISECONDS);
            byte[] greeting = new byte[GREETING];
            System.arraycopy(HELLO, 0, greeting, 0, HELLO.length);
            greeting[HELLO.length] = flag(options.encrypt());
            System.arraycopy(ownNonce, 0, greeting, HELLO.length + 1, NONCE);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(greeting));
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            release();
            ctx.fireChannelInactive();
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
                if (reply.length != REPLY) {
                    reject(ctx, "malformed authentication reply (" + reply.length + " bytes)");
                    return;
                }
                PeerRole role = PeerRole.of(reply[0]);
                byte[] secret = role == PeerRole.EXECUTOR ? executorSecret
                        : role == PeerRole.APPLICATION_MASTER ? amSecret
                        : role == PeerRole.SESSION_CLIENT ? sessionClientSecret : null;
                if (secret == null) {
                    reject(ctx, "unknown role " + reply[0]);
                    return;
                }
                boolean peerEncrypts = reply[1] == 1;
                byte[] clientNonce = Arrays.copyOfRange(reply, 2, 2 + NONCE);
                byte[] t = transcript(flag(options.encrypt()), reply[0], reply[1], ownNonce, clientNonce);
                if (!MessageDigest.isEqual(Arrays.copyOfRange(reply, 2 + NONCE, REPLY), hmac(secret, "client", t))) {
                    reject(ctx, "authentication failed (wrong secret)");
                    return;
                }
                if (peerEncrypts != options.encrypt() || (reply[1] & ~1) != 0) {
                    LOG.error("Closing connection with {}: {}", ctx.channel().remoteAddress(),
                            mismatch("this driver", options.encrypt(), "the connecting " + role, peerEncrypts));
                    ctx.close();
                    return;
                }
                done = true;
                release();
                ctx.writeAndFlush(Unpooled.wrappedBuffer(hmac(secret, "server", t)));
                secure(ctx, secret, ownNonce, clientNonce, true);
                onAuthenticated(ctx, role);
            } finally {
                frame.release();
            }
        }
    }

    /** The executor's (or ApplicationMaster's) side. */
    abstract static class Client extends Handshake {
        private final byte[] secret;
        private final PeerRole role;
        private int step;
        private byte[] transcript;
        private byte[] serverNonce;

        Client(byte[] secret, PeerRole role, ChannelOptions options) {
            super(options);
            this.secret = secret.clone();
            this.role = role;
        }

        /** Called on the event loop once the driver has proven itself. */
        abstract void onAuthenticated(ChannelHandlerContext ctx);

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                byte[] data = bytes(frame);
                if (step == 0) {
                    if (data.length != GREETING || !Arrays.equals(Arrays.copyOf(data, HELLO.length), HELLO)) {
                        reject(ctx, "the server is not a Weft driver of this version");
                        return;
                    }
                    boolean driverEncrypts = data[HELLO.length] == 1;
                    serverNonce = Arrays.copyOfRange(data, HELLO.length + 1, data.length);
                    byte ownFlag = flag(options.encrypt());
                    transcript = transcript(data[HELLO.length], role.code, ownFlag, serverNonce, ownNonce);
                    byte[] reply = new byte[REPLY];
                    reply[0] = role.code;
                    reply[1] = ownFlag;
                    System.arraycopy(ownNonce, 0, reply, 2, NONCE);
                    System.arraycopy(hmac(secret, "client", transcript), 0, reply, 2 + NONCE, PROOF);
                    step = 1;
                    if (driverEncrypts != options.encrypt()) {
                        // Still answer, so that the driver logs the mismatch too; then give up.
                        LOG.error("Closing connection with {}: {}", ctx.channel().remoteAddress(),
                                mismatch("this process", options.encrypt(), "the driver", driverEncrypts));
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(reply)).addListener(ChannelFutureListener.CLOSE);
                        step = 3;
                        return;
                    }
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(reply));
                } else if (step == 1) {
                    if (!MessageDigest.isEqual(data, hmac(secret, "server", transcript))) {
                        reject(ctx, "the driver failed authentication");
                        return;
                    }
                    step = 2;
                    secure(ctx, secret, serverNonce, ownNonce, false);
                    onAuthenticated(ctx);
                } else if (step == 2) {
                    ctx.fireChannelRead(Unpooled.wrappedBuffer(data));
                }
            } finally {
                frame.release();
            }
        }
    }
}
