//! Pins the encoded bytes of the requests the tool sends: a wrong field number or type would be
//! silently incompatible with a real vtctld.

use orc_vitess_hook::proto::topodata::TabletAlias;
use orc_vitess_hook::proto::vtctldata::{
    ExecuteVtctlCommandRequest, GetTabletRequest, TabletExternallyReparentedRequest,
};
use prost::Message;

#[test]
fn tablet_externally_reparented_request_bytes() {
    let request = TabletExternallyReparentedRequest {
        tablet: Some(TabletAlias {
            cell: "zone1".into(),
            uid: 101,
        }),
    };
    // field 1 (tablet), length-delimited, 9 bytes:
    //   field 1 (cell) "zone1": 0a 05 7a 6f 6e 65 31; field 2 (uid) varint 101: 10 65
    assert_eq!(
        request.encode_to_vec(),
        [
            0x0a, 0x09, 0x0a, 0x05, b'z', b'o', b'n', b'e', b'1', 0x10, 0x65
        ]
    );
}

#[test]
fn execute_vtctl_command_request_bytes() {
    let request = ExecuteVtctlCommandRequest {
        args: vec![
            "TabletExternallyReparented".into(),
            "zone1-0000000101".into(),
        ],
        action_timeout: 15_000_000_000,
    };
    let mut expected = vec![0x0a, 26];
    expected.extend_from_slice(b"TabletExternallyReparented");
    expected.extend_from_slice(&[0x0a, 16]);
    expected.extend_from_slice(b"zone1-0000000101");
    // field 2 (action_timeout), varint 15_000_000_000 nanoseconds
    expected.extend_from_slice(&[0x10, 0x80, 0xac, 0xc7, 0xf0, 0x37]);
    assert_eq!(request.encode_to_vec(), expected);
}

#[test]
fn get_tablet_request_bytes() {
    let request = GetTabletRequest {
        tablet_alias: Some(TabletAlias {
            cell: "z".into(),
            uid: 4_294_967_295,
        }),
    };
    assert_eq!(
        request.encode_to_vec(),
        [
            0x0a, 0x09, 0x0a, 0x01, b'z', 0x10, 0xff, 0xff, 0xff, 0xff, 0x0f
        ]
    );
}
