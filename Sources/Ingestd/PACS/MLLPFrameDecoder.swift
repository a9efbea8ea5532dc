import NIOCore

/// Splits an MLLP byte stream into HL7 messages: `0x0B message 0x1C 0x0D`.
///
/// Anything but a start byte outside a frame (CR/LF between frames are tolerated), a start byte
/// inside a frame, an end byte not followed by CR, or a message over `maxMessageBytes` is a
/// framing error: the decoder throws and the connection is closed, since the stream can no longer
/// be trusted to be in step. Other connections are unaffected.
struct MLLPFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    static let startBlock: UInt8 = 0x0B
    static let endBlock: UInt8 = 0x1C
    static let carriageReturn: UInt8 = 0x0D

    let maxMessageBytes: Int
    /// Bytes of the current frame already searched for the end block (avoids rescanning).
    private var scanned = 0

    init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if scanned == 0 {
            while let byte = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self), byte == 0x0D || byte == 0x0A {
                buffer.moveReaderIndex(forwardBy: 1)
            }
        }
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return .needMoreData }
        guard first == Self.startBlock else { throw MLLPFramingError.dataOutsideFrame }
        let bodyStart = buffer.readerIndex + 1
        let available = buffer.readableBytes - 1
        let view = buffer.readableBytesView
        var index = view.startIndex + 1 + scanned
        while index < view.endIndex {
            let byte = view[index]
            if byte == Self.endBlock {
                let length = index - (view.startIndex + 1)
                guard length <= maxMessageBytes else { throw MLLPFramingError.oversize }
                guard index + 1 < view.endIndex else {
                    scanned = length
                    return .needMoreData
                }
                guard view[index + 1] == Self.carriageReturn else { throw MLLPFramingError.badTrailer }
                let message = buffer.getSlice(at: bodyStart, length: length) ?? ByteBuffer()
                buffer.moveReaderIndex(forwardBy: length + 3)
                scanned = 0
                context.fireChannelRead(wrapInboundOut(message))
                return .continue
            }
            if byte == Self.startBlock { throw MLLPFramingError.startInsideFrame }
            index += 1
        }
        scanned = available
        guard available <= maxMessageBytes else { throw MLLPFramingError.oversize }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A partial frame at EOF was never acknowledged; the sender will resend it.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}

/// Why an MLLP connection was closed (no message content in it).
enum MLLPFramingError: Error, Sendable, CustomStringConvertible {
    case dataOutsideFrame, startInsideFrame, badTrailer, oversize

    var description: String {
        switch self {
        case .dataOutsideFrame: "data outside an MLLP frame"
        case .startInsideFrame: "start block inside an MLLP frame"
        case .badTrailer: "end block not followed by CR"
        case .oversize: "message larger than mllp.max_message_bytes"
        }
    }
}
