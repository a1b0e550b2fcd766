//! Realistic response bodies for the benchmarks, shaped like what a Flywheel site returns for
//! an MRI study: the fields of `ProjectOutput` and `SessionListOutput` (and the schemas they
//! nest) with plausible values, microsecond datetimes with an offset as the server writes
//! them, classification maps, tags, notes, permissions and `info` documents. Values vary with
//! the index so that no two sessions are byte-identical.
//!
//! Shared by `decode.rs` and `per_call.rs`; each uses part of it.
#![allow(dead_code)]

use serde_json::{Value, json};

/// A 24-hex-digit object id, distinct per `(kind, index)`.
pub fn object_id(kind: u32, index: usize) -> String {
    format!("5db07594{kind:04x}{index:012x}")
}

/// A server datetime (`2016-09-21T14:56:10.026000+00:00`) `index` minutes and a few seconds
/// after a fixed start.
pub fn datetime(index: usize) -> String {
    let day = 1 + (index / 1440) % 28;
    let hour = (index / 60) % 24;
    let minute = index % 60;
    let second = (index * 7) % 60;
    let micros = (index * 26_003) % 1_000_000;
    format!("2016-09-{day:02}T{hour:02}:{minute:02}:{second:02}.{micros:06}+00:00")
}

const GROUP: &str = "neuro-imaging";
const PROJECT_LABEL: &str = "Longitudinal Aging MRI";

fn permissions() -> Value {
    json!([
        {"_id": "jane.doe@example.org", "role_ids": ["5e1cd2f4a2b4c1002f7f3d01"]},
        {"_id": "raj.patel@example.org", "role_ids": ["5e1cd2f4a2b4c1002f7f3d02", "5e1cd2f4a2b4c1002f7f3d03"]},
        {"_id": "mr-scanner-3t@example.org", "role_ids": ["5e1cd2f4a2b4c1002f7f3d02"]}
    ])
}

fn note(index: usize) -> Value {
    json!({
        "_id": object_id(9, index),
        "created": datetime(index + 30),
        "modified": datetime(index + 31),
        "text": "Subject moved during the second EPI run; repeat scheduled for the next visit.",
        "user": "jane.doe@example.org",
        "firstname": "Jane",
        "lastname": "Doe"
    })
}

/// One file of an acquisition or session listing (`FileListOutput`, and the common part of
/// `FileOutput`): `kind` 0 a DICOM archive, 1 its NIfTI conversion, 2 the BIDS sidecar.
pub fn file(project: &str, session: &str, index: usize, kind: usize) -> Value {
    let (name, file_type, mimetype, size, measurement) = match kind {
        0 => (
            format!("1.2.840.113619.2.408.{index}.dicom.zip"),
            "dicom",
            "application/zip",
            48_213_904 + index * 17,
            "T1",
        ),
        1 => (
            format!("T1w_MPRAGE_{index}.nii.gz"),
            "nifti",
            "application/octet-stream",
            11_534_012 + index * 13,
            "T1",
        ),
        _ => (
            format!("T1w_MPRAGE_{index}.json"),
            "source code",
            "application/json",
            2_417 + index % 97,
            "T1",
        ),
    };
    json!({
        "_id": object_id(4 + kind as u32, index),
        "file_id": object_id(7 + kind as u32, index),
        "name": name,
        "type": file_type,
        "mimetype": mimetype,
        "modality": "MR",
        "version": 1 + index % 3,
        "classification": {
            "Intent": ["Structural"],
            "Measurement": [measurement],
            "Features": ["3D", "MPRAGE"]
        },
        "tags": if kind == 0 { json!(["dicom-qc-passed"]) } else { json!([]) },
        "provider_id": "5e1cd2f4a2b4c1002f7f3e00",
        "reference": false,
        "parent_ref": {"type": "session", "id": session},
        "parents": {
            "group": GROUP,
            "project": project,
            "subject": object_id(2, index),
            "session": session,
            "acquisition": null,
            "analysis": null
        },
        "origin": if kind == 0 {
            json!({"type": "device", "id": "5e1cd2f4a2b4c1002f7f3f10"})
        } else {
            json!({"type": "job", "id": object_id(8, index)})
        },
        "virus_scan": {"state": "clean"},
        "created": datetime(index + 2),
        "modified": datetime(index + 45),
        "replaced": null,
        "deleted": null,
        "size": size,
        "hash": format!("v0-sha384-{:016x}{:016x}", index * 7919, index * 104_729),
        "client_hash": null,
        "info": {
            "Manufacturer": "SIEMENS",
            "MagneticFieldStrength": 3,
            "RepetitionTime": 2.3,
            "EchoTime": 0.00298,
            "FlipAngle": 9,
            "SeriesDescription": "T1w_MPRAGE",
            "ImageType": ["ORIGINAL", "PRIMARY", "M", "ND", "NORM"]
        },
        "info_exists": true,
        "zip_member_count": if kind == 0 { json!(176) } else { Value::Null },
        "gear_info": if kind == 0 {
            Value::Null
        } else {
            json!({"name": "dcm2niix", "version": "2.1.0_1.0.20220720", "id": "5e1cd2f4a2b4c1002f7f3f20"})
        },
        "copy_of": null,
        "original_copy_of": null,
        "deid_log_id": null,
        "deid_log_skip_reason": null,
        "restored_from": null,
        "restored_by": null,
        "path": null
    })
}

fn subject(project: &str, index: usize) -> Value {
    let sex = if index.is_multiple_of(2) {
        "female"
    } else {
        "male"
    };
    json!({
        "_id": object_id(2, index),
        "project": project,
        "label": format!("sub-{:04}", index % 2500),
        "code": format!("sub-{:04}", index % 2500),
        "firstname": null,
        "lastname": null,
        "sex": sex,
        "age": 2_050_000_000 + index * 86_400,
        "species": "human",
        "type": "human",
        "race": "Unknown or Not Reported",
        "ethnicity": "Not Hispanic or Latino",
        "cohort": if index.is_multiple_of(5) { "Control" } else { "Study" },
        "mlset": "Training",
        "state": "Alive",
        "parents": {"group": GROUP, "project": project},
        "created": datetime(index),
        "modified": datetime(index + 12),
        "revision": 3,
        "tags": [],
        "info": {},
        "info_exists": false
    })
}

fn analysis(project: &str, session: &str, index: usize) -> Value {
    json!({
        "_id": object_id(6, index),
        "label": format!("fmriprep 23.1.4 {}", datetime(index + 90)),
        "parent": {"type": "session", "id": session},
        "parents": {"group": GROUP, "project": project, "subject": object_id(2, index), "session": session},
        "created": datetime(index + 90),
        "modified": datetime(index + 180),
        "revision": 4,
        "tags": [],
        "job": object_id(8, index),
        "gear_info": {"id": "5e1cd2f4a2b4c1002f7f3f30", "category": "analysis", "name": "fmriprep", "version": "23.1.4"},
        "compute_provider_id": "5e1cd2f4a2b4c1002f7f3e01",
        "files": [],
        "inputs": [file(project, session, index, 1)],
        "info": {}
    })
}

/// One item of a session listing (`SessionListOutput`) with its subject and one file. Every
/// tenth session carries an analysis and every fifth a note.
pub fn session(index: usize) -> Value {
    let project = object_id(1, 0);
    let id = object_id(3, index);
    // Session-level files are few (most data sits in acquisitions): one per session here.
    let files = [file(&project, &id, index, index % 3)];
    json!({
        "_id": id,
        "group": GROUP,
        "project": project,
        "parents": {"group": GROUP, "project": project, "subject": object_id(2, index)},
        "label": format!("ses-{:02} baseline", 1 + index % 4),
        "uid": format!("1.2.840.113619.6.408.20160921145610026.{index}"),
        "timestamp": datetime(index),
        "timezone": "America/New_York",
        "permissions": permissions(),
        "tags": if index.is_multiple_of(3) { json!(["qc-passed", "baseline"]) } else { json!(["qc-pending"]) },
        "notes": if index.is_multiple_of(5) { json!([note(index)]) } else { json!([]) },
        "subject": subject(&project, index),
        "age": 2_050_000_000 + index * 86_400,
        "weight": 58.5 + (index % 40) as f64 * 0.75,
        "operator": "MR technologist",
        "files": files,
        "info": {
            "BIDS": {"Subject": format!("{:04}", index % 2500), "Session": "01", "error_message": ""},
            "scanner": {"station": "MRC35104", "software": "syngo MR E11"}
        },
        "info_exists": true,
        "created": datetime(index),
        "modified": datetime(index + 60),
        "revision": 12 + index % 5,
        "satisfies_template": !index.is_multiple_of(7),
        "project_has_template": true,
        "analyses": if index.is_multiple_of(10) { json!([analysis(&project, &id, index)]) } else { json!([]) },
        "copy_of": null,
        "original_copy_of": null
    })
}

/// The body of a `GET /sessions` answer listing `count` sessions (a JSON array).
pub fn session_list(count: usize) -> Vec<u8> {
    let sessions: Vec<Value> = (0..count).map(session).collect();
    serde_json::to_vec(&sessions).expect("JSON values serialize")
}

/// The body of a `GET /projects/{projectId}` answer (`ProjectOutput`): a project with three
/// files, notes, tags, settings and counters.
pub fn project() -> Value {
    let id = object_id(1, 0);
    let files: Vec<Value> = (0..3).map(|kind| file(&id, &id, 0, kind)).collect();
    json!({
        "_id": id,
        "label": PROJECT_LABEL,
        "description": "Three-year longitudinal study of structural and functional brain changes in healthy aging adults; 3T MPRAGE, resting-state EPI and DTI at each visit.",
        "group": GROUP,
        "parents": {"group": GROUP},
        "editions": {"lab": true},
        "providers": {
            "storage": "5e1cd2f4a2b4c1002f7f3e00",
            "compute": "5e1cd2f4a2b4c1002f7f3e01"
        },
        "permissions": permissions(),
        "files": files,
        "info": {
            "funding": {"agency": "NIA", "grant": "R01AG012345"},
            "irb": {"protocol": "2016-0412", "expires": "2027-06-30"},
            "sites": ["Boston", "Providence"]
        },
        "info_exists": true,
        "notes": [note(1), note(2)],
        "tags": ["longitudinal", "aging", "3T"],
        "templates": [],
        "join-origin": {"user": {"jane.doe@example.org": {"firstname": "Jane", "lastname": "Doe"}}},
        "analyses": [],
        "settings": {
            "viewer_apps": [],
            "external_routing_id": "LAMRI-2016",
            "sharing": {"share_level": "high_level", "summary": "Summary statistics shared with partner sites."}
        },
        "locked": null,
        "revision": 57,
        "modified": datetime(90_000),
        "created": datetime(3),
        "copyable": true,
        "copy_status": "static",
        "copy_of": null,
        "original_copy_of": null,
        "stats": {
            "number_of": {
                "subjects": 2500,
                "sessions": 10_000,
                "acquisitions": 61_204,
                "files": 183_611,
                "jobs": 20_412,
                "analyses": 1000,
                "acquisition_files": 183_600,
                "compliant_sessions": 8571
            },
            "age_groups": ["55-64", "65-74", "75-84"],
            "measurements": ["T1", "T2", "Diffusion", "Functional"],
            "modalities": ["MR"],
            "file_types": ["dicom", "nifti", "source code", "bval", "bvec"]
        }
    })
}
