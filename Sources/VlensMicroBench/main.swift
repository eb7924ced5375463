import Benchmark
import Foundation
import NIOCore
import Verification
import VlensAPI

// Micro-benchmarks of the worker's hot paths (scripts/bench runs them; docs/BENCHMARKS.md has the figures).
// Inline images stay base64 from the Kafka record to the Vlens request: the last benchmark measures the
// decode-and-re-encode that this pass-through avoids. Sizes go to stderr for the MB/s figures.

FileHandle.standardError.write(Data("""
    bytes decode-capture \(Fixtures.captureEvent.count)
    bytes decode-capture-copying \(Fixtures.captureEvent.count)
    bytes vlens-body \(Fixtures.imageBytes)
    bytes encode-result \(Fixtures.resultBytes)
    bytes base64-roundtrip \(Fixtures.imageBytes)

    """.utf8))

benchmark("decode-capture") {
    // The worker's intake: images stay views of the record (InlineImages).
    let capture = try CaptureSubmitted.decodeSharingImages(Fixtures.captureEvent)
    precondition(capture.images.faces?.count == 3)
}

benchmark("decode-capture-copying") {
    // The plain JSONDecoder path, images decoded as JSON strings (the worker's intake before issue 19).
    let capture = try CaptureSubmitted.decode(Fixtures.captureEvent)
    precondition(capture.images.faces?.count == 3)
}

benchmark("vlens-body") {
    // The body VlensClient.verifyLiveness sends, read in the chunks the connection takes.
    let images = Fixtures.imageViews
    var body = JSONBodyWriter(capacity: 256)
    body.field("image", base64: images[0])
    body.field("face_1", base64: images[1])
    body.field("face_2", base64: images[2])
    body.field("face_3", base64: images[3])
    body.field("transaction_id", "5b1e9d0c-4a7f-4f0e-9a51-2c7e6b8d1f03")
    body.field("getExtractedData", false)
    body.field("client_transaction_id", "tx-2026-11-27-7f3c2a")
    body.field("request_id", "0f8c6a3e-1b2d-4c5e-8f90-a1b2c3d4e5f4")
    var reader = JSONBody.Reader(body.finishBody())
    var written = 0
    while let chunk = reader.next(upTo: JSONBody.chunkBytes, allocator: ByteBufferAllocator()) { written += chunk.readableBytes }
    precondition(written > Fixtures.imageBytes)
}

benchmark("encode-result") {
    let bytes = try Fixtures.result.encodedJSON()
    precondition(bytes.count > 0)
}

benchmark("base64-roundtrip") {
    // What a worker that decoded images (to hash or re-encode them) would add per capture.
    for image in Fixtures.images {
        let bytes = Data(base64Encoded: image)!
        precondition(bytes.base64EncodedString().utf8.count == image.utf8.count)
    }
}

Benchmark.main()
