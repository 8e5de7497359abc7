//! Where webhooks may be delivered (OWASP API7, server-side request
//! forgery): public addresses only, unless the operator opts a network in
//! with `--webhook-allow-network`. The check runs when a webhook is created
//! or changed (a 422) and again for every delivery, inside the resolver the
//! HTTP client connects through ([`PinnedResolver`]): the client connects
//! only to addresses that passed, so a DNS answer that changes between the
//! check and the connection (rebinding) gets nowhere.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::auth::ProxyNet;

/// What the operator allows beyond public `https` endpoints.
#[derive(Debug, Clone, Default)]
pub struct Egress {
    /// `--webhook-allow-http`: plain `http` URLs too.
    pub allow_http: bool,
    /// `--webhook-allow-network`: networks delivered to although private.
    pub allow_networks: Vec<ProxyNet>,
    /// `--webhook-ca-file`: PEM certificate authorities trusted beside the
    /// system's.
    pub extra_roots: Option<Vec<u8>>,
}

/// Why an address is refused, in words for the 422 and the delivery log.
pub fn refusal(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refusal_v4(v4),
        IpAddr::V6(v6) => refusal_v6(v6),
    }
}

fn refusal_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => "in 0.0.0.0/8 (this network)",
        (10, _, _) => "private (10.0.0.0/8)",
        (100, 64..=127, _) => "shared address space (CGNAT, 100.64.0.0/10)",
        (127, _, _) => "loopback (127.0.0.0/8)",
        (169, 254, _) => "link-local, where cloud metadata services live (169.254.0.0/16)",
        (172, 16..=31, _) => "private (172.16.0.0/12)",
        (192, 0, 0) => "reserved for protocol assignments (192.0.0.0/24)",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "reserved for documentation",
        (192, 168, _) => "private (192.168.0.0/16)",
        (198, 18..=19, _) => "reserved for benchmarking (198.18.0.0/15)",
        (224..=239, _, _) => "multicast",
        (240..=255, _, _) => "reserved or broadcast (240.0.0.0/4)",
        _ => return None,
    })
}

fn refusal_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let segments = ip.segments();
    if ip.is_unspecified() {
        return Some("unspecified (::)");
    }
    if ip.is_loopback() {
        return Some("loopback (::1)");
    }
    if ip.to_ipv4_mapped().is_some() {
        return Some("IPv4-mapped (::ffff:0:0/96)");
    }
    Some(match segments[0] {
        0xfc00..=0xfdff => "unique local (fc00::/7)",
        0xfe80..=0xfebf => "link-local (fe80::/10)",
        0xfec0..=0xfeff => "site-local (fec0::/10)",
        0xff00..=0xffff => "multicast (ff00::/8)",
        0x2001 if segments[1] == 0x0db8 => "reserved for documentation (2001:db8::/32)",
        0x0064 if segments[1] == 0xff9b => "NAT64 (64:ff9b::/96), which reaches IPv4 addresses",
        0x2002 => "6to4 (2002::/16), which reaches IPv4 addresses",
        0x0000 => "reserved (::/8)",
        _ => return None,
    })
}

impl Egress {
    /// Why the server refuses to deliver to `ip`, or `None` when it may.
    pub fn refuses(&self, ip: IpAddr) -> Option<&'static str> {
        let reason = refusal(ip)?;
        if self.allow_networks.iter().any(|net| net.contains(ip)) {
            return None;
        }
        Some(reason)
    }

    /// Checks a URL's form: `https` (or `http` when allowed), a host, no
    /// credentials. Says what is wrong.
    pub fn check_url(&self, url: &reqwest::Url) -> Result<(), String> {
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => {
                return Err(
                    "must be an https URL (this server does not deliver over plain http)"
                        .to_owned(),
                );
            }
            other => return Err(format!("must be an https URL, not {other}")),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("must not carry credentials (user:password@)".to_owned());
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err("must name a host".to_owned());
        }
        if url.fragment().is_some() {
            return Err("must not carry a fragment (#…)".to_owned());
        }
        Ok(())
    }

    /// Resolves the URL's host and checks every address: all must be ones
    /// the server may deliver to. Says what is wrong.
    pub async fn check_destination(&self, url: &reqwest::Url) -> Result<(), String> {
        self.check_url(url)?;
        let host = url.host_str().unwrap_or_default();
        let port = url.port_or_known_default().unwrap_or(443);
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        let addresses: Vec<IpAddr> = match literal.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => tokio::net::lookup_host((host, port))
                .await
                .map_err(|e| format!("`{host}` does not resolve: {e}"))?
                .map(|a| a.ip())
                .collect(),
        };
        if addresses.is_empty() {
            return Err(format!("`{host}` resolves to no address"));
        }
        for ip in addresses {
            if let Some(reason) = self.refuses(ip) {
                return Err(format!("`{host}` resolves to {ip}, which is {reason}"));
            }
        }
        Ok(())
    }
}

/// The resolver the delivery client connects through: it resolves, drops
/// every address [`Egress`] refuses, and hands the client only the rest, so
/// the connection goes to an address that was checked. A name with no
/// address left fails the attempt.
#[derive(Debug, Clone)]
pub struct PinnedResolver {
    egress: Arc<Egress>,
}

impl PinnedResolver {
    /// A resolver enforcing `egress`.
    pub fn new(egress: Arc<Egress>) -> Self {
        Self { egress }
    }
}

impl Resolve for PinnedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let egress = self.egress.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refused = None;
            let allowed: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|addr| match egress.refuses(addr.ip()) {
                    Some(reason) => {
                        refused = Some(format!(
                            "{host} resolves to {}, which is {reason}",
                            addr.ip()
                        ));
                        false
                    }
                    None => true,
                })
                .collect();
            if allowed.is_empty() {
                let message = refused.unwrap_or_else(|| format!("{host} resolves to no address"));
                return Err(message.into());
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn private_loopback_link_local_metadata_cgnat_and_mapped_addresses_are_refused() {
        for refused in [
            "0.0.0.0",
            "0.1.2.3",
            "10.1.2.3",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.8.8.8",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:8.8.8.8",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "64:ff9b::a00:1",
        ] {
            assert!(refusal(ip(refused)).is_some(), "{refused}");
        }
        for public in [
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.1",
            "172.32.0.1",
            "2606:4700::1111",
        ] {
            assert_eq!(refusal(ip(public)), None, "{public}");
        }
    }

    #[test]
    fn an_allowed_network_opts_in() {
        let egress = Egress {
            allow_http: false,
            allow_networks: vec!["127.0.0.0/8".parse().unwrap()],
            extra_roots: None,
        };
        assert_eq!(egress.refuses(ip("127.0.0.1")), None);
        assert!(egress.refuses(ip("10.0.0.1")).is_some());
    }

    #[test]
    fn urls_must_be_https_with_a_host_and_no_credentials() {
        let strict = Egress::default();
        let url = |s: &str| reqwest::Url::parse(s).unwrap();
        assert!(
            strict
                .check_url(&url("https://hooks.example.com/x"))
                .is_ok()
        );
        assert!(
            strict
                .check_url(&url("http://hooks.example.com/x"))
                .is_err()
        );
        assert!(strict.check_url(&url("ftp://hooks.example.com/x")).is_err());
        assert!(
            strict
                .check_url(&url("https://user:pw@hooks.example.com/"))
                .is_err()
        );
        let lax = Egress {
            allow_http: true,
            allow_networks: Vec::new(),
            extra_roots: None,
        };
        assert!(lax.check_url(&url("http://hooks.example.com/x")).is_ok());
    }
}
