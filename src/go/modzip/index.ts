// Module zips (golang.org/x/mod/zip): check, extract and create them, with x/mod's rules and limits.

export { ZipError, type ZipErrorCode } from '../../util/zip.js';
export {
  type CheckedFiles,
  checkDir,
  checkedFilesError,
  checkFiles,
  checkModuleVersion,
  checkZip,
  isVendoredPackage,
  MAX_GO_MOD,
  MAX_LICENSE,
  MAX_ZIP_FILE,
  type ModuleFile,
  type ModuleVersion,
} from './check.js';
export { type CreateFromDirResult, type CreateReport, create, createFromDir } from './create.js';
export { type FileError, ModZipError, type ModZipErrorCode } from './errors.js';
export { type ExtractFs, type ExtractResult, extract } from './extract.js';
export { hashModuleDir } from './hash.js';
export { listZip, type ZipEntryInfo } from './list.js';
