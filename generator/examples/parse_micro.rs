//! Temporary micro-benchmark (not committed).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    let src = match which.as_str() {
        "impl" => "impl IntoResponse for PostLivechatAgentStatusResponse { fn into_response(self) -> Response { match self { Self::Ok(body) => json(200, &body), Self::Unauthorized(body) => json(401, &body), } } }",
        "struct" => "#[doc = r\" A type.\"] #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)] pub struct PostLivechatAgentStatusBody { #[doc = r\" Field docs.\"] #[serde(rename = \"agentId\", default, skip_serializing_if = \"Option::is_none\")] pub agent_id: Option<String>, #[serde(default, skip_serializing_if = \"Option::is_none\")] pub status: Option<String>, }",
        _ => "fn f() {}",
    };
    let ts: proc_macro2::TokenStream = src.parse().unwrap();
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let mut total = 0;
    let t = std::time::Instant::now();
    for _ in 0..n {
        let f: syn::File = syn::parse2(ts.clone()).unwrap();
        total += f.items.len();
    }
    println!(
        "{which}: {:.2} us per parse ({total})",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    let f: syn::File = syn::parse2(ts.clone()).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..n {
        let g = f.clone();
        total += g.items.len();
        std::hint::black_box(g);
    }
    println!(
        "{which}: {:.2} us per clone ({total})",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    let t = std::time::Instant::now();
    for _ in 0..n {
        let s = prettyplease::unparse(&f);
        total += s.len();
    }
    println!(
        "{which}: {:.2} us per print ({total})",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    let t = std::time::Instant::now();
    for _ in 0..n {
        let t2 = ts.clone();
        let v: Vec<proc_macro2::TokenTree> = t2.into_iter().collect();
        total += v.len();
    }
    println!(
        "{which}: {:.2} us per token copy ({total})",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
