import { deflateSync } from 'node:zlib';
import { ZipFile } from 'yazl';

/*
 * Office files whose pictures are not inside the file but linked to addresses outside it, as an
 * attacker would write them: a web address (the converter would fetch it from the server's
 * network), a file:// path (a file on the server's disk) and a Windows UNC path (\\host\share\…).
 * Each also holds one ordinary embedded picture, which must still reach the PDF.
 * Written here part by part so the test controls exactly what the file links to.
 */

/** Where each linked picture points. */
export interface HostileLinks {
  http: string;
  file: string;
  unc: string;
}

/** A PNG of one colour, `width` x `height`: its size is what identifies it among a PDF's images. */
export function solidPng(width: number, height: number, rgb: readonly [number, number, number]): Buffer {
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A zip written with stored `mimetype` first when given (what ODF requires), the rest deflated. */
async function zip(parts: Record<string, string | Buffer>, mimetype?: string): Promise<Buffer> {
  const file = new ZipFile();
  if (mimetype) file.addBuffer(Buffer.from(mimetype), 'mimetype', { compress: false });
  for (const [name, content] of Object.entries(parts)) file.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), name);
  file.end();
  const chunks: Buffer[] = [];
  for await (const chunk of file.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const OOXML_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const IMAGE_REL = `${OOXML_REL}/image`;
const LINK_IDS = ['http', 'file', 'unc'] as const;
/** The picture embedded in every file (5 x 17, purple): the one image the PDF must show. */
export const EMBEDDED_PICTURE = { width: 5, height: 17 } as const;
const embeddedPng = () => solidPng(EMBEDDED_PICTURE.width, EMBEDDED_PICTURE.height, [128, 0, 128]);

/** The part's relationships: one external picture per address, and the embedded `media/embedded.png`. */
function imageRels(links: HostileLinks, mediaFolder: string, extra = ''): string {
  const linked = LINK_IDS.map((id) => `<Relationship Id="rLink_${id}" Type="${IMAGE_REL}" Target="${xml(links[id])}" TargetMode="External"/>`);
  return rels(`${extra}${linked.join('')}<Relationship Id="rEmbedded" Type="${IMAGE_REL}" Target="${mediaFolder}/embedded.png"/>`);
}

/** The DrawingML picture both Word and PowerPoint use: `r:link` names an external relationship, `r:embed` a part. */
function blip(id: (typeof LINK_IDS)[number] | 'embedded'): string {
  const reference = id === 'embedded' ? 'r:embed="rEmbedded"' : `r:link="rLink_${id}"`;
  return `<pic:blipFill><a:blip ${reference}/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`;
}
const PICTURES = [...LINK_IDS, 'embedded'] as const;

/** `[Content_Types].xml` of an OOXML package: rels, xml and png by extension, `parts` by name. */
function contentTypes(parts: Record<string, string>): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>
${Object.entries(parts)
  .map(([name, type]) => `<Override PartName="${name}" ContentType="application/vnd.openxmlformats-officedocument.${type}+xml"/>`)
  .join('\n')}
</Types>`;
}

function rels(entries: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${entries}</Relationships>`;
}

const officeDocumentRel = (target: string) => rels(`<Relationship Id="rId1" Type="${OOXML_REL}/officeDocument" Target="${target}"/>`);

const DRAWING_NS =
  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" ' +
  `xmlns:r="${OOXML_REL}"`;

/** A Word document: a line of `text`, then one linked picture per address and the embedded one. */
export function hostileDocx(text: string, links: HostileLinks): Promise<Buffer> {
  const picture = (id: (typeof PICTURES)[number], n: number) => `<w:p><w:r><w:drawing><wp:inline>
<wp:extent cx="1828800" cy="1828800"/><wp:docPr id="${n}" name="Picture ${n}"/>
<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>
<pic:nvPicPr><pic:cNvPr id="${n}" name="${id}.png"/><pic:cNvPicPr/></pic:nvPicPr>${blip(id)}
<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1828800" cy="1828800"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>
</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`;
  return zip({
    '[Content_Types].xml': contentTypes({ '/word/document.xml': 'wordprocessingml.document.main' }),
    '_rels/.rels': officeDocumentRel('word/document.xml'),
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" ${DRAWING_NS}>
<w:body><w:p><w:r><w:t>${xml(text)}</w:t></w:r></w:p>
${PICTURES.map((id, index) => picture(id, index + 1)).join('\n')}
</w:body></w:document>`,
    'word/_rels/document.xml.rels': imageRels(links, 'media'),
    'word/media/embedded.png': embeddedPng(),
  });
}

/** A PowerPoint deck of one slide: a text box with `text`, one linked picture per address and the embedded one. */
export function hostilePptx(text: string, links: HostileLinks): Promise<Buffer> {
  const P_NS = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"';
  const picture = (id: (typeof PICTURES)[number], n: number) => `<p:pic>
<p:nvPicPr><p:cNvPr id="${n + 10}" name="${id}"/><p:cNvPicPr/><p:nvPr/></p:nvPicPr>
${blip(id).replace(/pic:/g, 'p:')}
<p:spPr><a:xfrm><a:off x="${457200 + n * 2743200}" y="2743200"/><a:ext cx="2286000" cy="2286000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>`;
  const emptyTree = '<p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/></p:spTree></p:cSld>';
  return zip({
    '[Content_Types].xml': contentTypes({
      '/ppt/presentation.xml': 'presentationml.presentation.main',
      '/ppt/slides/slide1.xml': 'presentationml.slide',
      '/ppt/slideLayouts/slideLayout1.xml': 'presentationml.slideLayout',
      '/ppt/slideMasters/slideMaster1.xml': 'presentationml.slideMaster',
    }),
    '_rels/.rels': officeDocumentRel('ppt/presentation.xml'),
    'ppt/presentation.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:presentation ${P_NS} xmlns:r="${OOXML_REL}">
<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rIdMaster"/></p:sldMasterIdLst>
<p:sldIdLst><p:sldId id="256" r:id="rIdSlide"/></p:sldIdLst>
<p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/>
</p:presentation>`,
    'ppt/_rels/presentation.xml.rels': rels(
      `<Relationship Id="rIdMaster" Type="${OOXML_REL}/slideMaster" Target="slideMasters/slideMaster1.xml"/>` +
        `<Relationship Id="rIdSlide" Type="${OOXML_REL}/slide" Target="slides/slide1.xml"/>`,
    ),
    'ppt/slideMasters/slideMaster1.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:sldMaster ${P_NS} ${DRAWING_NS}>${emptyTree}
<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>
<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rIdLayout"/></p:sldLayoutIdLst></p:sldMaster>`,
    'ppt/slideMasters/_rels/slideMaster1.xml.rels': rels(
      `<Relationship Id="rIdLayout" Type="${OOXML_REL}/slideLayout" Target="../slideLayouts/slideLayout1.xml"/>`,
    ),
    'ppt/slideLayouts/slideLayout1.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:sldLayout ${P_NS} ${DRAWING_NS}>${emptyTree}</p:sldLayout>`,
    'ppt/slideLayouts/_rels/slideLayout1.xml.rels': rels(
      `<Relationship Id="rIdMaster" Type="${OOXML_REL}/slideMaster" Target="../slideMasters/slideMaster1.xml"/>`,
    ),
    'ppt/slides/slide1.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:sld ${P_NS} ${DRAWING_NS}><p:cSld><p:spTree>
<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>
<p:sp><p:nvSpPr><p:cNvPr id="2" name="Text"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>
<p:spPr><a:xfrm><a:off x="457200" y="457200"/><a:ext cx="10972800" cy="1371600"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>
<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="vi-VN" sz="2800"/><a:t>${xml(text)}</a:t></a:r></a:p></p:txBody></p:sp>
${PICTURES.map((id, index) => picture(id, index)).join('\n')}
</p:spTree></p:cSld></p:sld>`,
    'ppt/slides/_rels/slide1.xml.rels': imageRels(
      links,
      '../media',
      `<Relationship Id="rIdLayout" Type="${OOXML_REL}/slideLayout" Target="../slideLayouts/slideLayout1.xml"/>`,
    ),
    'ppt/media/embedded.png': embeddedPng(),
  });
}

/**
 * An OpenDocument text: a line of `text`, one linked picture per address, the embedded one, and
 * two sections whose content is linked to a text at a web address and in a file (what a "linked
 * section" pulls in when links are updated).
 */
export function hostileOdt(text: string, links: HostileLinks, linkedText: { http: string; file: string }): Promise<Buffer> {
  // ODF links are URIs: a UNC path is written as a network-path reference (//host/share/…);
  // backslashes make LibreOffice refuse the whole file.
  const href = { ...links, unc: links.unc.replace(/\\/g, '/'), embedded: 'Pictures/embedded.png' };
  const picture = (id: (typeof PICTURES)[number], n: number) =>
    `<text:p><draw:frame draw:name="${id}" text:anchor-type="as-char" svg:width="5cm" svg:height="5cm" draw:z-index="${n}">` +
    `<draw:image xlink:href="${xml(href[id])}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p>`;
  const section = (name: string, href: string) =>
    `<text:section text:name="${name}"><text:section-source xlink:href="${xml(href)}" xlink:type="simple" xlink:show="embed" text:filter-name="Text"/><text:p/></text:section>`;
  const NS =
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ' +
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" ' +
    'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3"';
  return zip(
    {
      'content.xml': `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content ${NS}><office:body><office:text>
<text:p>${xml(text)}</text:p>
${PICTURES.map((id, index) => picture(id, index)).join('\n')}
${section('LinkedHttp', linkedText.http)}
${section('LinkedFile', linkedText.file)}
</office:text></office:body></office:document-content>`,
      'META-INF/manifest.xml': `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="Pictures/embedded.png" manifest:media-type="image/png"/>
</manifest:manifest>`,
      'Pictures/embedded.png': embeddedPng(),
    },
    'application/vnd.oasis.opendocument.text',
  );
}
