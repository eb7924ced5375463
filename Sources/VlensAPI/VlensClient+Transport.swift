import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension VlensClient {
    /// Builds the step's body (the caller's fields plus `getExtractedData` (the context's, else the
    /// configuration's), `client_transaction_id`, `request_id`),
    /// sends it and classifies the answer.
    func sendStep(
        _ step: VlensStep, context: VlensCallContext, fields: (inout JSONBodyWriter) -> Void
    ) async throws -> VlensStepResponse {
        var request = HTTPClientRequest(url: baseURL + step.path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        addHeaders(to: &request, bearer: context.userToken, traceparent: context.traceparent, tracestate: context.tracestate)
        // Only the request holds the body, read once in chunks: nothing of it is kept until Vlens answers.
        request.body = OneShotBody.body(stepBody(context: context, fields: fields))

        let (status, retryAfter, buffer) = try await execute(request, step: step)
        let response = try? JSONDecoder().decode(VlensStepResponse.self, from: buffer)
        if let error = VlensError.classify(step: step, status: status, retryAfterHeader: retryAfter, response: response) {
            logger.debug(
                "Vlens call failed",
                metadata: [VlensLoggingKeys.step: "\(step)", VlensLoggingKeys.error: "\(error.code)", VlensLoggingKeys.httpStatus: "\(status)"])
            throw error
        }
        var result = response!
        result.httpStatus = status
        return result
    }

    /// The step's JSON body: the caller's fields, then `getExtractedData`, `client_transaction_id`, `request_id`.
    private func stepBody(context: VlensCallContext, fields: (inout JSONBodyWriter) -> Void) -> JSONBody {
        var body = JSONBodyWriter(capacity: 256)
        fields(&body)
        body.field("getExtractedData", context.getExtractedData ?? configuration.getExtractedData)
        body.field("client_transaction_id", context.clientTransactionId)
        body.field("request_id", context.requestId)
        return body.finishBody()
    }

    func sendAdmin<Result: Decodable>(
        _ step: VlensStep, query: [(String, String)], adminToken: String, traceparent: String?
    ) async throws -> Result {
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        // `+` is legal in a query but means a space to many servers: phone numbers need it encoded.
        let encodedQuery = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        var request = HTTPClientRequest(url: baseURL + step.path + "?" + encodedQuery)
        request.method = .GET
        addHeaders(to: &request, bearer: adminToken, traceparent: traceparent)

        let (status, retryAfter, buffer) = try await execute(request, step: step)
        let envelope = try? JSONDecoder().decode(VlensStepResponse.self, from: buffer)
        if let error = VlensError.classify(step: step, status: status, retryAfterHeader: retryAfter, response: envelope) {
            throw error
        }
        do {
            return try JSONDecoder().decode(Result.self, from: buffer)
        } catch {
            throw VlensError(code: .decoding, category: .invalidResponse, step: step, httpStatus: status)
        }
    }

    private func addHeaders(to request: inout HTTPClientRequest, bearer: String?, traceparent: String?, tracestate: String? = nil) {
        request.headers.add(name: "ApiKey", value: configuration.apiKey)
        request.headers.add(name: "Accept", value: "application/json")
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let traceparent { request.headers.add(name: "traceparent", value: traceparent) }
        if let tracestate { request.headers.add(name: "tracestate", value: tracestate) }
    }

    /// Sends a request within the configured deadline; transport failures become retryable ``VlensError``s.
    private func execute(_ request: HTTPClientRequest, step: VlensStep) async throws -> (Int, String?, ByteBuffer) {
        let deadline = NIODeadline.now() + TimeAmount(configuration.requestDeadline)
        do {
            let response = try await httpClient.execute(request, deadline: deadline, logger: logger)
            let buffer = try await response.body.collect(upTo: configuration.maxResponseBytes)
            return (Int(response.status.code), response.headers.first(name: "Retry-After"), buffer)
        } catch let error as VlensError {
            throw error
        } catch is NIOTooManyBytesError {
            throw VlensError(code: .responseTooLarge, category: .invalidResponse, step: step)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw VlensError(code: Self.transportCode(error), category: .retryable, step: step)
        }
    }

    /// `timeout` for deadline, connect and read time-outs; `connection` for everything else on the wire.
    static func transportCode(_ error: any Error) -> VlensError.Code {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout,
                .tlsHandshakeTimeout:
                return .timeout
            default: return .connection
            }
        }
        return .connection
    }
}
