/// The OpenAPI document this module is generated from, as the bytes of `openapi.yaml`.
///
/// The server serves it (converted to JSON) at `/openapi.json`, so what integrators read
/// is always the document the handlers were generated from.
package enum OpenAPIDocument {
    package static var yaml: [UInt8] { PackageResources.openapi_yaml }
}
