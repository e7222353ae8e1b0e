"""Curated knowledge of AI model licences: names, families, versions, Hugging Face ids.

ScanCode's LicenseDB has texts for many model licences but lacks some (Llama 3, the Llama
acceptable-use policies, CogVideoX, several Stability AI agreements...) and files a few under
misleading keys (``bigscience-open-rail-m2`` holds CreativeML Open RAIL++-M; ``llama-4-license-2025``
holds the Llama 4 acceptable-use policy). Each entry here either points at the ScanCode key whose
text identifies it (``scancode``) or carries short distinguishing phrases (``fingerprints``, all of
which must occur in a text) for licences whose full text is not in the data we ship.

No licence text is copied here: only titles, version lines and other short identifying phrases.
This module is an input of ``scripts/build_license_data.py`` (its hash is stamped into the data).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Curated:
    id: str
    name: str
    family: str
    version: str | None = None
    category: str = "Proprietary Free"
    kind: str = "license"  # "license" | "policy"
    scancode: str | None = None  # ScanCode key whose text identifies this entry
    fingerprints: tuple[str, ...] = ()  # phrases that must all occur (normalised) when no text is shipped
    hf_ids: tuple[str, ...] = ()  # Hugging Face `license:` values
    aliases: tuple[str, ...] = ()  # `license_name` values and common names
    links: tuple[str, ...] = ()  # substrings of `license_link` URLs ("a*b": a, then later b)
    osi_approved: bool = False
    restrictive: bool = True  # carries use restrictions worth clause analysis
    policy: str | None = None  # id of the acceptable-use policy incorporated by reference


def _sc(key: str) -> str:
    return f"LicenseRef-scancode-{key}"


CURATED: tuple[Curated, ...] = (
    # ---------------------------------------------------------------- Meta Llama
    Curated(
        _sc("llama-license-2023"),
        "LLaMA License Agreement (LLaMA 1)",
        "llama",
        "1",
        scancode="llama-license-2023",
        aliases=("llama", "llama-1", "llama license"),
    ),
    Curated(
        _sc("llama-2-license-2023"),
        "Llama 2 Community License Agreement",
        "llama",
        "2",
        scancode="llama-2-license-2023",
        hf_ids=("llama2",),
        aliases=("llama 2 community license", "llama2", "llama-2"),
        links=("llama-2", "llama2"),
        policy="LicenseRef-openness-llama-2-aup",
    ),
    Curated(
        "LicenseRef-openness-llama-3-community",
        "Meta Llama 3 Community License Agreement",
        "llama",
        "3",
        fingerprints=("META LLAMA 3 COMMUNITY LICENSE AGREEMENT", "Meta Llama 3 Version Release Date"),
        hf_ids=("llama3",),
        aliases=("llama 3 community license", "llama3", "llama-3", "meta llama 3"),
        links=("llama3/license", "llama3/LICENSE", "meta-llama-3"),
        policy="LicenseRef-openness-llama-3-aup",
    ),
    Curated(
        _sc("llama-3.1-license-2024"),
        "Llama 3.1 Community License Agreement",
        "llama",
        "3.1",
        scancode="llama-3.1-license-2024",
        hf_ids=("llama3.1",),
        aliases=("llama 3.1 community license", "llama3.1", "llama-3.1"),
        links=("llama3_1", "llama-3.1"),
        policy="LicenseRef-openness-llama-3.1-aup",
    ),
    Curated(
        _sc("llama-3.2-license-2024"),
        "Llama 3.2 Community License Agreement",
        "llama",
        "3.2",
        scancode="llama-3.2-license-2024",
        hf_ids=("llama3.2",),
        aliases=("llama 3.2 community license", "llama3.2", "llama-3.2"),
        links=("llama3_2", "llama-3.2"),
        policy="LicenseRef-openness-llama-3.2-aup",
    ),
    Curated(
        _sc("llama-3.3-license-2024"),
        "Llama 3.3 Community License Agreement",
        "llama",
        "3.3",
        scancode="llama-3.3-license-2024",
        hf_ids=("llama3.3",),
        aliases=("llama 3.3 community license", "llama3.3", "llama-3.3"),
        links=("llama3_3", "llama-3.3"),
        policy="LicenseRef-openness-llama-3.3-aup",
    ),
    Curated(
        _sc("llama-4-cla-2025"),
        "Llama 4 Community License Agreement",
        "llama",
        "4",
        scancode="llama-4-cla-2025",
        hf_ids=("llama4",),
        aliases=("llama 4 community license", "llama4", "llama-4"),
        links=("llama4",),
        policy="LicenseRef-openness-llama-4-aup",
    ),
    Curated(
        "LicenseRef-openness-llama-2-aup",
        "Llama 2 Acceptable Use Policy",
        "llama-aup",
        "2",
        kind="policy",
        fingerprints=("Llama 2 Acceptable Use Policy",),
    ),
    Curated(
        "LicenseRef-openness-llama-3-aup",
        "Meta Llama 3 Acceptable Use Policy",
        "llama-aup",
        "3",
        kind="policy",
        fingerprints=("Meta Llama 3 Acceptable Use Policy",),
    ),
    Curated(
        "LicenseRef-openness-llama-3.1-aup",
        "Llama 3.1 Acceptable Use Policy",
        "llama-aup",
        "3.1",
        kind="policy",
        fingerprints=("Llama 3.1 Acceptable Use Policy",),
    ),
    Curated(
        "LicenseRef-openness-llama-3.2-aup",
        "Llama 3.2 Acceptable Use Policy",
        "llama-aup",
        "3.2",
        kind="policy",
        fingerprints=("Llama 3.2 Acceptable Use Policy",),
    ),
    Curated(
        "LicenseRef-openness-llama-3.3-aup",
        "Llama 3.3 Acceptable Use Policy",
        "llama-aup",
        "3.3",
        kind="policy",
        fingerprints=("Llama 3.3 Acceptable Use Policy",),
    ),
    # ScanCode files this text under a licence-looking key; it is the Llama 4 acceptable-use policy.
    Curated(
        "LicenseRef-openness-llama-4-aup",
        "Llama 4 Acceptable Use Policy",
        "llama-aup",
        "4",
        kind="policy",
        scancode="llama-4-license-2025",
        fingerprints=("Llama 4 Acceptable Use Policy",),
    ),
    Curated(
        "LicenseRef-openness-opt-175b",
        "OPT-175B License Agreement",
        "opt",
        "175b",
        fingerprints=("OPT-175B LICENSE AGREEMENT",),
        aliases=("opt-175b license",),
    ),
    # ---------------------------------------------------------------- Google Gemma
    Curated(
        _sc("gemma-tou-2024-04-01"),
        "Gemma Terms of Use (2024-04-01)",
        "gemma",
        "2024-04-01",
        scancode="gemma-tou-2024-04-01",
        aliases=("gemma terms of use 2024",),
        policy=_sc("gemma-pup-2024-02-21"),
    ),
    Curated(
        _sc("gemma-tou-2025-03-24"),
        "Gemma Terms of Use (2025-03-24)",
        "gemma",
        "2025-03-24",
        scancode="gemma-tou-2025-03-24",
        hf_ids=("gemma",),
        aliases=("gemma", "gemma terms of use"),
        links=("ai.google.dev/gemma/terms",),
        policy=_sc("gemma-pup-2024-02-21"),
    ),
    Curated(
        _sc("gemma-pup-2024-02-21"),
        "Gemma Prohibited Use Policy",
        "gemma-policy",
        "2024-02-21",
        kind="policy",
        scancode="gemma-pup-2024-02-21",
        links=("gemma/prohibited_use_policy",),
    ),
    # ---------------------------------------------------------------- Alibaba Qwen
    Curated(
        _sc("tongyi-qianwen-2023"),
        "Tongyi Qianwen License Agreement",
        "qwen",
        "2023",
        scancode="tongyi-qianwen-2023",
        aliases=("tongyi-qianwen", "tongyi qianwen", "tongyi qianwen license agreement"),
        links=("Qwen-7B/blob/main/LICENSE", "Qwen-14B/blob/main/LICENSE", "Qwen-72B/blob/main/LICENSE"),
    ),
    Curated(
        "LicenseRef-openness-tongyi-qianwen-research",
        "Tongyi Qianwen Research License Agreement",
        "qwen",
        "research",
        fingerprints=("Tongyi Qianwen RESEARCH LICENSE AGREEMENT",),
        aliases=("tongyi-qianwen-research", "tongyi qianwen research license"),
    ),
    Curated(
        _sc("qwen-2024"),
        "Qwen License Agreement (2024)",
        "qwen",
        "2024",
        scancode="qwen-2024",
        aliases=("qwen", "qwen license", "qwen license agreement"),
    ),
    # ---------------------------------------------------------------- DeepSeek
    Curated(
        _sc("deepseek-la-1.0"),
        "DeepSeek License Agreement 1.0",
        "deepseek",
        "1.0",
        scancode="deepseek-la-1.0",
        category="Source-available",
        hf_ids=("deepseek",),
        aliases=("deepseek", "deepseek license", "deepseek license agreement"),
        links=("deepseek*LICENSE-MODEL",),
    ),
    # ---------------------------------------------------------------- TII Falcon
    Curated(
        _sc("falcon-2-11b-1.0"),
        "Falcon 2 11B TII License 1.0",
        "falcon",
        "2-11b-1.0",
        scancode="falcon-2-11b-1.0",
        aliases=("falcon-2-11b-license", "falcon 2 11b tii license"),
    ),
    Curated(
        "LicenseRef-openness-falcon-180b-tii",
        "Falcon 180B TII License 1.0",
        "falcon",
        "180b-1.0",
        fingerprints=("Falcon 180B TII License",),
        aliases=("falcon-180b-license", "falcon 180b tii license"),
    ),
    Curated(
        "LicenseRef-openness-falcon-llm-tii-1.0",
        "TII Falcon LLM License 1.0",
        "falcon",
        "llm-1.0",
        fingerprints=("TII Falcon LLM License",),
        aliases=("falcon-llm-license", "tii falcon llm license"),
    ),
    Curated(
        "LicenseRef-openness-falcon-llm-tii-2.0",
        "TII Falcon License 2.0",
        "falcon",
        "2.0",
        fingerprints=("Falcon LLM License 2.0",),
        aliases=("falcon-llm-license-2.0",),
    ),
    # ---------------------------------------------------------------- Chinese model families
    Curated(
        "LicenseRef-openness-yi-community",
        "Yi Series Models Community License Agreement",
        "yi",
        None,
        fingerprints=("Yi Series Models Community License Agreement",),
        aliases=("yi-license", "yi license", "yi series models community license"),
    ),
    Curated(
        "LicenseRef-openness-baichuan2-community",
        "Baichuan 2 Model Community License Agreement",
        "baichuan",
        "2",
        fingerprints=("Community License for Baichuan 2 Model",),
        aliases=("baichuan2-community-license", "baichuan 2 model community license"),
    ),
    Curated(
        "LicenseRef-openness-internlm",
        "InternLM Model License",
        "internlm",
        None,
        aliases=("internlm license", "internlm-license"),
    ),
    Curated(
        "LicenseRef-openness-glm-4",
        "The GLM-4 License",
        "glm",
        "4",
        fingerprints=("The GLM-4 License",),
        aliases=("glm-4", "glm-4 license", "glm4"),
    ),
    Curated(
        "LicenseRef-openness-chatglm",
        "The ChatGLM-6B License",
        "glm",
        "chatglm",
        fingerprints=("ChatGLM-6B License",),
        aliases=("chatglm-6b license", "chatglm license"),
    ),
    Curated(
        "LicenseRef-openness-cogvideox",
        "The CogVideoX License",
        "glm",
        "cogvideox",
        fingerprints=("The CogVideoX License",),
        aliases=("cogvideox license", "cogvideox-license"),
    ),
    Curated(
        "LicenseRef-openness-skywork-community",
        "Skywork Community License",
        "skywork",
        None,
        fingerprints=("Skywork Community License Agreement",),
        aliases=("skywork community license", "skywork-license"),
    ),
    Curated(
        "LicenseRef-openness-minicpm",
        "MiniCPM Model Community License",
        "minicpm",
        None,
        fingerprints=("MiniCPM Model License",),
        aliases=("minicpm model license", "minicpm-license"),
    ),
    # ---------------------------------------------------------------- RAIL family
    Curated(
        _sc("bigscience-rail-1.0"),
        "BigScience RAIL License v1.0 (BLOOM)",
        "rail",
        "bloom-1.0",
        scancode="bigscience-rail-1.0",
        hf_ids=("bigscience-bloom-rail-1.0",),
        aliases=("bigscience bloom rail 1.0", "bloom rail"),
    ),
    Curated(
        _sc("bigscience-open-rail-m"),
        "BigScience Open RAIL-M",
        "rail",
        "openrail-m",
        scancode="bigscience-open-rail-m",
        hf_ids=("bigscience-openrail-m",),
        aliases=("bigscience openrail-m",),
    ),
    Curated(
        _sc("bigcode-open-rail-m-v1"),
        "BigCode Open RAIL-M v1",
        "rail",
        "bigcode-openrail-m-v1",
        scancode="bigcode-open-rail-m-v1",
        hf_ids=("bigcode-openrail-m",),
        aliases=("bigcode openrail-m", "bigcode open rail-m"),
    ),
    # ScanCode names this "Stable Diffusion License"; it is the CreativeML Open RAIL-M.
    Curated(
        _sc("stable-diffusion-2022-08-22"),
        "CreativeML Open RAIL-M",
        "rail",
        "creativeml-openrail-m",
        scancode="stable-diffusion-2022-08-22",
        hf_ids=("creativeml-openrail-m",),
        aliases=("creativeml openrail-m", "creativeml open rail-m"),
    ),
    # ScanCode files this under bigscience-open-rail-m2; the text is CreativeML Open RAIL++-M.
    Curated(
        _sc("bigscience-open-rail-m2"),
        "CreativeML Open RAIL++-M",
        "rail",
        "openrail++-m",
        scancode="bigscience-open-rail-m2",
        hf_ids=("openrail++",),
        aliases=("creativeml openrail++-m", "openrail++", "open rail++-m"),
    ),
    Curated(
        "LicenseRef-openness-openrail",
        "Open RAIL (generic, unspecified variant)",
        "rail",
        None,
        hf_ids=("openrail",),
        aliases=("openrail", "open rail"),
    ),
    Curated(
        _sc("responsible-ai-source-1.0"),
        "Responsible AI Source Code License 1.0",
        "rail",
        "source-1.0",
        scancode="responsible-ai-source-1.0",
    ),
    Curated(
        _sc("responsible-ai-source-1.1"),
        "Responsible AI Source Code License 1.1",
        "rail",
        "source-1.1",
        scancode="responsible-ai-source-1.1",
    ),
    # ---------------------------------------------------------------- Stability AI
    Curated(
        _sc("stability-ai-community-2024"),
        "Stability AI Community License Agreement",
        "stability",
        "community-2024-07-05",
        scancode="stability-ai-community-2024",
        aliases=("stabilityai-ai-community", "stability ai community license"),
    ),
    Curated(
        _sc("stability-ai-nc-2023-12-06"),
        "Stability AI Non-Commercial Research Community License (2023-12-06)",
        "stability",
        "nc-research-2023-12-06",
        scancode="stability-ai-nc-2023-12-06",
        aliases=("stability ai non-commercial research community license",),
    ),
    Curated(
        "LicenseRef-openness-stability-nc-research-2023-11-28",
        "Stability AI Non-Commercial Research Community License (2023-11-28)",
        "stability",
        "nc-research-2023-11-28",
        fingerprints=(
            "STABILITY AI NON-COMMERCIAL RESEARCH COMMUNITY LICENSE AGREEMENT",
            "Dated: November 28, 2023",
        ),
        aliases=("sd-turbo license", "sdxl-turbo license"),
    ),
    Curated(
        "LicenseRef-openness-stability-nc-community-2024-03-18",
        "Stability AI Non-Commercial Community License (2024-03-18)",
        "stability",
        "nc-community-2024-03-18",
        fingerprints=("STABILITY AI NON-COMMERCIAL COMMUNITY LICENSE AGREEMENT", "Dated: March 18, 2024"),
    ),
    Curated(
        "LicenseRef-openness-svd-nc-community",
        "Stable Video Diffusion Non-Commercial Community License",
        "stability",
        "svd-nc-2023-11-21",
        fingerprints=("STABLE VIDEO DIFFUSION NON-COMMERCIAL COMMUNITY LICENSE AGREEMENT",),
    ),
    Curated(
        "LicenseRef-openness-sdxl-0.9-research",
        "SDXL 0.9 Research License Agreement",
        "stability",
        "sdxl-0.9",
        fingerprints=("SDXL 0.9 RESEARCH LICENSE AGREEMENT",),
    ),
    Curated(
        _sc("flux-1-nc"),
        "FLUX.1 [dev] Non-Commercial License",
        "flux",
        "1-dev",
        scancode="flux-1-nc",
        aliases=("flux-1-dev-non-commercial-license", "flux.1 dev non-commercial"),
    ),
    # ---------------------------------------------------------------- others
    Curated(
        _sc("nvidia-open-model-2025-04-28"),
        "NVIDIA Open Model License Agreement",
        "nvidia",
        "2025-04-28",
        scancode="nvidia-open-model-2025-04-28",
        aliases=("nvidia-open-model-license", "nvidia open model license"),
        links=("nvidia-open-model-license",),
    ),
    Curated(
        "LicenseRef-openness-allenai-tulu-v1",
        "AI2 AI Model License Agreement (Tulu v1)",
        "ai2",
        "tulu-v1",
        fingerprints=("AI MODEL LICENSE AGREEMENT", "Allen Institute for Artificial Intelligence"),
    ),
    Curated(
        _sc("exaone-ai-model-1.1-nc"),
        "EXAONE AI Model License Agreement 1.1 - NC",
        "exaone",
        "1.1-nc",
        scancode="exaone-ai-model-1.1-nc",
        aliases=("exaone", "exaone license"),
    ),
    Curated(
        "OpenMDW-1.0",
        "OpenMDW License Agreement 1.0",
        "openmdw",
        "1.0",
        category="Permissive",
        scancode="openmdw-1.0",
        aliases=("openmdw", "openmdw-1.0"),
        restrictive=False,
    ),
    Curated(
        _sc("moonshot-ai-modified-mit-2025"),
        "Moonshot AI Modified MIT License",
        "moonshot",
        "2025",
        scancode="moonshot-ai-modified-mit-2025",
        category="Permissive",
        aliases=("modified-mit", "moonshot modified mit"),
    ),
    Curated(
        "LicenseRef-openness-mistral-research",
        "Mistral AI Research License",
        "mistral",
        "mrl-0.1",
        fingerprints=("Mistral AI Research License",),
        aliases=("mrl", "mistral research license"),
    ),
    Curated(
        "LicenseRef-openness-mistral-non-production",
        "Mistral AI Non-Production License",
        "mistral",
        "mnpl-0.1",
        fingerprints=("Mistral AI Non-Production License",),
        aliases=("mnpl", "mistral non-production license"),
    ),
    Curated(
        "LicenseRef-openness-apple-ascl",
        "Apple Sample Code License",
        "apple",
        None,
        category="Permissive",
        fingerprints=("Apple Sample Code License",),
        hf_ids=("apple-ascl",),
        aliases=("apple sample code license", "apple-ascl"),
        restrictive=False,
    ),
    Curated(
        "LicenseRef-openness-apple-amlr",
        "Apple Machine Learning Research Model License",
        "apple",
        "amlr",
        fingerprints=("Apple Machine Learning Research Model",),
        hf_ids=("apple-amlr",),
        aliases=("apple-amlr",),
    ),
    Curated(
        "LicenseRef-openness-fair-noncommercial-research",
        "FAIR Noncommercial Research License",
        "fair",
        None,
        fingerprints=("FAIR Noncommercial Research License",),
        hf_ids=("fair-noncommercial-research-license",),
        aliases=("fair noncommercial research license",),
    ),
    Curated(
        "LicenseRef-openness-qwen-research",
        "Qwen Research License Agreement",
        "qwen",
        "research-2024",
        fingerprints=("Qwen RESEARCH LICENSE AGREEMENT",),
        aliases=("qwen-research", "qwen research license", "qwen research license agreement"),
    ),
    Curated(
        _sc("openai-tou-20230314"),
        "OpenAI Terms of Use (2023-03-14)",
        "openai-tou",
        "2023-03-14",
        category="Commercial",
        scancode="openai-tou-20230314",
    ),
)


# Hugging Face `license:` values that name a licence without its version; SPDX has one version.
HF_ALIASES: dict[str, str] = {
    "c-uda": "C-UDA-1.0",
    "odc-by": "ODC-By-1.0",
    "odbl": "ODbL-1.0",
    "pddl": "PDDL-1.0",
    "cdla-sharing": "CDLA-Sharing-1.0",
}
